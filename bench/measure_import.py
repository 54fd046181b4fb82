"""Import one workbook as a given user, in this process alone, and print wall times and memory as JSON.

bench/run.py starts it in a subprocess so the peak resident memory it reports is the import's and nothing
else's. It uses whatever database DATABASE_URL / DJANGO_SETTINGS_MODULE name (run.py sets both).

    .venv/bin/python bench/measure_import.py FILE.xlsx [--user bench-worker]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_kb(field: str = "VmRSS") -> int:
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--user", default="bench-worker")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chuxin.accounts.models import User
    from chuxin.members import importing
    from chuxin.members.models import Member

    actor = User.objects.get(username=args.user)
    content = args.file.read_bytes()
    before_members = Member.objects.count()
    baseline = rss_kb()
    runs = {}
    # First the file as new members (check every row, then write them all), then the same file again: every
    # row is checked and matched to the file just written, and nothing changes, so nothing is written.
    for label in ("create", "reimport_unchanged"):
        upload = SimpleUploadedFile(args.file.name, content, content_type="application/octet-stream")
        started = time.perf_counter()
        result = importing.import_members(actor=actor, upload=upload)
        seconds = time.perf_counter() - started
        runs[label] = {
            "seconds": round(seconds, 3), "ok": result.ok, "total": result.total, "created": result.created,
            "updated": result.updated, "unchanged": result.unchanged, "errors": result.error_count,
            "first_errors": [f"row {e.row} {e.column}: {e.message}" for e in result.errors[:5]],
        }
    print(json.dumps({
        "rows": runs["create"]["total"],
        "runs": runs,
        "members_before": before_members,
        "members_after": Member.objects.count(),
        "baseline_rss_mb": round(baseline / 1024, 1),
        # VmHWM, the peak of this program's own memory: getrusage's ru_maxrss would also count the parent's
        # memory copied at fork, before exec started this program.
        "peak_rss_mb": round(rss_kb("VmHWM") / 1024, 1),
        "file_kb": round(len(content) / 1024),
    }))


if __name__ == "__main__":
    main()
