"""axe-core run in a Playwright page: the one check every view's screenshot comes with."""

from __future__ import annotations

from typing import Any

from tests.support.paths import ROOT

AXE = ROOT / "softphone" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def violations(page: Any) -> list[dict[str, Any]]:
    """Every axe violation of the page as it is now (axe is injected once; the context must bypass the CSP)."""
    if not page.evaluate("() => Boolean(window.axe)"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return found


def serious(found: list[dict[str, Any]]) -> list[str]:
    """The serious and critical ones, each as its rule, impact and the elements it found."""
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}" for v in found if v["impact"] in SERIOUS]
