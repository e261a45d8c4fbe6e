"""The page stays small and fast: its own JS and CSS at most 150 KB gzipped (the Voice SDK in vendor/ apart,
loaded only in Twilio mode), and the first load on the local stack under a second."""

from __future__ import annotations

import gzip
from pathlib import Path

from tests.e2e.test_softphone import DESKTOP, browser, new_page  # noqa: F401  (browser is a fixture)

DIST = Path(__file__).resolve().parents[2] / "softphone" / "dist"
BUDGET_BYTES = 150 * 1024


def own_files() -> list[Path]:
    return [p for p in DIST.rglob("*") if p.is_file() and "vendor" not in p.relative_to(DIST).parts]


def test_own_javascript_and_css_fit_in_150_kb_gzipped() -> None:
    code = [p for p in own_files() if p.suffix in (".js", ".css", ".html")]
    assert any(p.name == "app.js" for p in code)
    size = sum(len(gzip.compress(p.read_bytes(), 9)) for p in code)
    print(f"page JS+CSS+HTML gzipped: {size} bytes")
    assert size <= BUDGET_BYTES
    assert not list(DIST.glob("*.map"))  # no source maps shipped


def test_first_load_takes_under_a_second(browser, base_url, db) -> None:  # noqa: F811
    page = new_page(browser, base_url, DESKTOP, "en-US")
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready]")
    ready_ms = int(page.get_attribute("body", "data-ready"))  # set by the page once it is usable
    timing = page.evaluate(
        "JSON.stringify(performance.getEntriesByType('resource')"
        ".map(e => [e.name.split('/').pop(), Math.round(e.startTime), Math.round(e.duration)]))"
    )
    load_ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    print(f"first load: load event {load_ms:.0f} ms, page ready {ready_ms} ms; {timing}")
    assert ready_ms < 1000
    page.context.close()
