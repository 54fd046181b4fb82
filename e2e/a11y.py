"""The accessibility check every browser test runs: axe-core (npm, vendored into chuxin/static/vendor by
`npm run vendor`, never fetched from the internet) on every page a test visits, at the size the test uses.

conftest.py watches each page (watch_a11y): axe is added to every document the page loads and checks it, against
WCAG 2.0 and 2.1 levels A and AA, once the page has loaded and htmx has settled; it reports what it finds to the test.
page.goto waits for that check, the end of the test checks the page it ends on (and opens again any page it showed
but left before the check finished), and a test that changes a page without loading another (an htmx swap) calls
check_a11y(page). Any violation fails the test at teardown.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent.parent / "chuxin" / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Runs in every document after axe: one check once the page has loaded and no htmx request is in flight (at most 3 s
# later), each later check chained after the one before (axe runs one at a time). The findings go to the test
# through the cxA11yReport binding, so a page left quickly still reports if its check finished.
_RUNNER = """
(() => {
  if (window.top !== window || !window.axe) return;
  const tags = %(tags)s;
  const settle = async () => {
    // Two frames first, so a style change just made (a hover after a click) has started its transition.
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    for (let i = 0; i < 30; i++) {
      // Loaded, no htmx request in flight, and no transition under way (a button fading to its hover colour).
      const moving = document.getAnimations().some((a) => a.playState === "running" && a.effect
        && a.effect.getComputedTiming().iterations !== Infinity);
      if (document.readyState === "complete" && !document.querySelector(".htmx-request") && !moving) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  };
  const run = async () => {
    await settle();
    // Colours are judged as they settle: no transition half-way (a button fading to its hover colour) while axe looks.
    const still = new CSSStyleSheet();
    still.replaceSync("*, *::before, *::after { transition: none !important; }");
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, still];
    let results;
    try {
      results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    } finally {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((sheet) => sheet !== still);
    }
    const found = results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
      nodes: v.nodes.slice(0, 5).map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
    if (window.cxA11yReport) await window.cxA11yReport(location.href, found);
    return found.length;
  };
  let last = Promise.resolve(0);
  window.cxA11yCheck = () => { last = last.catch(() => 0).then(run); return last; };
  window.cxA11yDone = () => last;
  const first = () => window.cxA11yCheck();
  if (document.readyState === "complete") first(); else window.addEventListener("load", first, {once: true});
})();
"""


@cache
def _init_script() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `npm install && npm run vendor` (make does it)")
    import json

    return AXE_JS.read_text(encoding="utf-8") + "\n" + _RUNNER % {"tags": json.dumps(WCAG_AA_TAGS)}


def _where(page, url: str) -> str:
    size = page.viewport_size or {}
    return f"{url} at {size.get('width')}x{size.get('height')}"


def watch_a11y(page) -> None:
    """Check every document this Playwright page loads; page.goto returns once its page has been checked."""
    page.a11y_violations = []
    page.a11y_checked = []  # every address checked, for a test to see that nothing was skipped
    page.a11y_shown = []  # every address the page showed (a link followed, a form sent, a redirect's end)
    page.on("framenavigated", lambda frame: page.a11y_shown.append(frame.url) if frame == page.main_frame else None)

    def report(source, url: str, found: list[dict]) -> None:
        page.a11y_checked.append(url)
        if found:
            page.a11y_violations.append((_where(page, url), found))

    page.expose_binding("cxA11yReport", report)
    page.add_init_script(script=_init_script())
    goto = page.goto

    def goto_then_check(url: str, **options):
        response = goto(url, **options)
        wait_for_check(page)
        return response

    page.goto = goto_then_check


def wait_for_check(page) -> None:
    """Wait until the checks started on the current page have reported."""
    try:
        page.evaluate("async () => { if (window.cxA11yDone) await window.cxA11yDone(); }")
    except Exception as error:  # the page went on to another (its own check reports there) or a download
        if not _gone(error):
            raise


def check_a11y(page) -> None:
    """Check the page as it is now (after an htmx swap, say); what is found fails the test at teardown."""
    if not page.evaluate("() => Boolean(window.cxA11yCheck)"):
        raise AssertionError(f"axe is not loaded on {page.url}: was the page made by the e2e fixtures?")
    page.evaluate("async () => { await window.cxA11yCheck(); }")


def _gone(error: Exception) -> bool:
    text = str(error)
    return any(word in text for word in ("destroyed", "closed", "navigat", "Target"))


def describe(violations: list[tuple[str, list[dict]]]) -> str:
    lines, seen = [], set()
    for where, found in violations:
        key = (where, repr(found))
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"{where}:")
        for v in found:
            lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({v['count']} elements)")
            for node in v["nodes"]:
                summary = " ".join((node["summary"] or "").split())[:300]
                lines.append(f"    {node['target']} -- {summary}")
    return "\n".join(lines)


def _check_the_missed(page) -> None:
    """A page the test left before its check could finish (a quick click onwards) is opened again and checked."""
    def checked() -> set[str]:
        return {url.split("#")[0] for url in page.a11y_checked}

    for url in dict.fromkeys(url.split("#")[0] for url in page.a11y_shown):
        if url in checked() or not url.startswith("http"):
            continue
        try:
            page.goto(url)
        except Exception as error:  # a one-time page (a download, a link that expired) cannot be opened again
            if not _gone(error) and "ERR_ABORTED" not in str(error) and "Download" not in str(error):
                raise


def assert_no_a11y_violations(page) -> None:
    """At the end of a test: check the page it ends on and any page shown but not checked, then fail on anything
    found on any page the test showed."""
    if not page.is_closed() and not page.url.startswith("about:"):
        try:
            wait_for_check(page)
            check_a11y(page)
            _check_the_missed(page)
        except Exception as error:
            if not _gone(error) and "not loaded" not in str(error):
                raise
    assert not page.a11y_violations, "axe-core found WCAG 2.1 AA violations:\n" + describe(page.a11y_violations)
