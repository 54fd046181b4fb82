"""How long restoring a damaged article takes (chuxin.learning.restore), the issue's bound being under 1 s for a
20,000-character article.

The article is made of the shared fixtures' damaged bodies (spam line, pinyin, split GBK runs, traditional
characters, a footer) repeated to the length asked for. The first run includes loading OpenCC's dictionaries
and is reported apart; the median is of the runs after it.

    .venv/bin/python bench/article_import.py [--chars 20000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "chuxin" / "learning" / "fixtures"


def damaged_article(chars: int) -> str:
    bodies = []
    for path in sorted(FIXTURES.glob("*.damaged.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        bodies.append("\n".join(lines[4:]))  # without the spam, the "?" and the title
    head = FIXTURES.joinpath("a_sanhui.damaged.txt").read_text(encoding="utf-8").split("\n")[:4]
    text, index = "\n".join(head) + "\n", 0
    while len(text) < chars:
        text += bodies[index % len(bodies)] + "\n"
        index += 1
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chars", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from chuxin.learning.restore import restore

    text = damaged_article(args.chars)
    started = time.perf_counter()
    first = restore(text)
    first_ms = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        restore(text)
        times.append((time.perf_counter() - started) * 1000)
    kinds: dict[str, int] = {}
    for change in first.changes:
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    print(json.dumps({
        "characters": len(text),
        "first_run_ms_with_dictionaries": round(first_ms, 1),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "changes": kinds,
        "sections": len(first.article["sections"]),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
