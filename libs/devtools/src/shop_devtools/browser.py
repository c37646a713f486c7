"""Playwright on Debian's Chromium: find and launch the browser, the two screens the shop is
checked on, and axe-core's accessibility report for a page.

Playwright's own browser builds are never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 where
anything installs it): the system's Chromium is launched through `executable_path`. `make
install` installs Debian's `chromium` when none is found, and axe-core from the npm registry
(tests/browser/package.json).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, Playwright

CHROMIUM_VARIABLE = "CHROMIUM"  # a path or a command name, to use another build
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_ARGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
)

# The screens every page is checked on: a laptop and a 390 px phone (an iPhone 14's CSS size).
DEVICES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

# axe-core's impacts, mildest first; a page fails on `serious` and `critical`.
IMPACTS = ("minor", "moderate", "serious", "critical")
SERIOUS = frozenset({"serious", "critical"})


class BrowserNotFoundError(RuntimeError):
    pass


def find_chromium() -> str:
    """The Chromium executable: $CHROMIUM if set, else the first of CHROMIUM_NAMES on PATH."""
    wanted = os.environ.get(CHROMIUM_VARIABLE)
    for name in (wanted,) if wanted else CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    looked = f"${CHROMIUM_VARIABLE}={wanted}" if wanted else ", ".join(CHROMIUM_NAMES)
    raise BrowserNotFoundError(
        f"no Chromium found ({looked}): `make install` installs Debian's chromium"
    )


async def launch_chromium(playwright: Playwright, *, headless: bool = True) -> Browser:
    return await playwright.chromium.launch(
        executable_path=find_chromium(), headless=headless, args=list(CHROMIUM_ARGS)
    )


async def new_context(browser: Browser, device: str, **options: Any) -> BrowserContext:
    """A fresh browser profile (no cookies) with the screen of `device` (a DEVICES key)."""
    return await browser.new_context(**(DEVICES[device] | options))


async def sideways_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    width: int = await page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


@dataclass(frozen=True)
class Violation:
    """One axe-core rule that fails on a page, with the elements it fails on."""

    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]
    summary: str  # axe's failure summary of the first element

    def describe(self) -> str:
        where = ", ".join(self.targets[:5]) + (" ..." if len(self.targets) > 5 else "")
        text = f"{self.rule} ({self.impact}): {self.help} — at {where}"
        if self.summary:
            text += "\n      " + " ".join(self.summary.split())
        return text


_RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact || "minor", help: v.help, help_url: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summary: v.nodes.length ? (v.nodes[0].failureSummary || "") : "",
  }));
}"""


class Axe:
    """axe-core, read once from its `axe.min.js`, injected into each page it checks.

    Injected through the DevTools protocol (`page.evaluate`), so the shop's Content Security
    Policy, which rightly refuses inline scripts, does not stop it.
    """

    def __init__(self, script: Path) -> None:
        if not script.is_file():
            raise FileNotFoundError(f"{script} is missing: `make install` runs npm ci for it")
        self.source = script.read_text(encoding="utf-8")

    async def violations(self, page: Page) -> list[Violation]:
        if not await page.evaluate("() => typeof window.axe === 'object'"):
            await page.evaluate(self.source)
        found: list[dict[str, Any]] = await page.evaluate(_RUN_AXE)
        return [
            Violation(
                rule=v["rule"],
                impact=v["impact"],
                help=v["help"],
                help_url=v["help_url"],
                targets=tuple(v["targets"]),
                summary=v["summary"],
            )
            for v in found
        ]

    async def serious_violations(self, page: Page) -> list[Violation]:
        return [v for v in await self.violations(page) if v.impact in SERIOUS]
