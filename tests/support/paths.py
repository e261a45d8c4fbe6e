"""Where tests find what they read and keep: one definition of each path (the repository root is infra's)."""

from infra.settings import ROOT

FIXTURES = ROOT / "tests" / "fixtures"  # SDP produced by real Chromium, and our offer
ARTIFACTS = ROOT / "test-artifacts"  # screenshots and other things a person looks at after a run
PAGE_DIST = ROOT / "softphone" / "dist"  # the built page, as it is served

__all__ = ["ARTIFACTS", "FIXTURES", "PAGE_DIST", "ROOT"]
