"""Browser-test plumbing: Debian's Chromium driven by Playwright for Python (never a downloaded
browser), the demo's sandbox and bot in this process, screenshots under tests/artifacts/."""

from __future__ import annotations

import importlib.util
import os
import re
import struct
import zlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "browser"
README_SHOT = ARTIFACTS / "readme-screenshot.png"  # copied to bot/sandbox/webchat/ by hand
TIMEOUT_MS = 15_000


def missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return "no browser: Debian's Chromium is not at /usr/bin/chromium (.ci/run installs it)"
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


REQUIRE_BROWSER = "MENTORBOT_REQUIRE_BROWSER"  # .ci/run sets it: no browser is then a failure


def check_browser(missing: str | None, *, required: bool) -> None:
    """Skip a browser test when there is no browser, or fail it when one is required (so CI
    cannot go green with every browser test skipped)."""
    if missing is None:
        return
    if required:
        pytest.fail(f"{missing}, and {REQUIRE_BROWSER} is set", pytrace=False)
    pytest.skip(missing)


def browser_required() -> bool:
    return os.environ.get(REQUIRE_BROWSER, "") not in ("", "0")


# The fixture (tests/browser/conftest.py) skips or fails before the test starts anything.
needs_browser = pytest.mark.usefixtures("browser_available")


def artifact_dir(test_name: str) -> Path:
    """Where a test's screenshots go (kept by CI, ignored by git)."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain PNG image of one colour with a darker diagonal (a photo to send)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            shade = 0.55 if abs(x * height - y * width) < width * 2 else 1.0
            row += bytes(int(c * shade) for c in rgb)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
