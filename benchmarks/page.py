"""`make bench-page`: the softphone's first load on the local gateway, in headless Chromium, cold each time.

A figure, not a timed test (a loaded CI machine must not fail the suite): the median and worst of several
fresh browser contexts, the time until the page marks itself usable (`body[data-ready]`) and the load event,
beside the size of the page's own files gzipped. Writes benchmarks/page-results.json.
"""

from __future__ import annotations

import gzip
import json
import statistics
import threading

from infra.gateway import LocalGateway, http_server
from infra.local_aws import free_port
from infra.settings import ROOT
from tests.support.browser import CHROMIUM_ARGS, chromium_path

DIST = ROOT / "softphone" / "dist"
RESULTS = ROOT / "benchmarks" / "page-results.json"
LOADS = 10
GOAL_MS = 1000


def own_gzipped_bytes() -> int:
    """The page's own HTML, JS and CSS, gzipped (the Voice SDK in vendor/ apart: it loads in Twilio mode only)."""
    files = [p for p in DIST.rglob("*") if p.is_file() and "vendor" not in p.relative_to(DIST).parts]
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in files if p.suffix in (".js", ".css", ".html"))


def first_loads(base_url: str, count: int) -> list[tuple[int, int]]:
    from playwright.sync_api import sync_playwright

    loads = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        for _ in range(count):
            context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
            page = context.new_page()
            page.goto(base_url + "/")
            page.wait_for_selector("body[data-ready]")
            ready = int(page.get_attribute("body", "data-ready") or 0)
            load = int(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            loads.append((ready, load))
            context.close()
        browser.close()
    return loads


def main() -> None:
    server = http_server(LocalGateway([]), "127.0.0.1", free_port())  # static files and config.json only
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        loads = first_loads(f"http://127.0.0.1:{server.server_address[1]}", LOADS)
    finally:
        server.shutdown()
        server.server_close()
    ready = [r for r, _ in loads]
    result = {
        "own_gzipped_bytes": own_gzipped_bytes(),
        "ready_ms_median": statistics.median(ready),
        "ready_ms_max": max(ready),
        "load_event_ms_median": statistics.median(load for _, load in loads),
        "loads": LOADS,
        "goal_ms": GOAL_MS,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"{'page first load':<28}{'median':>10}{'worst':>10}")
    print(f"{'usable (data-ready), ms':<28}{result['ready_ms_median']:>10}{result['ready_ms_max']:>10}")
    print(f"{'load event, ms':<28}{result['load_event_ms_median']:>10}")
    print(f"own JS+CSS+HTML gzipped: {result['own_gzipped_bytes']} bytes (budget 153600)")


if __name__ == "__main__":
    main()
