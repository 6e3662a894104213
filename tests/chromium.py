"""Debian's Chromium driven by Playwright: one place for its path and launch flags."""

from __future__ import annotations

import contextlib
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox as root; no background networking (this machine's network is closed).
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


@contextlib.contextmanager
def launched_chromium():
    """A headless Chromium for the length of the block (use it in a module- or package-scoped fixture)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
