"""Without Chromium or Playwright a browser test is skipped on a developer's machine, but fails
when MENTORBOT_REQUIRE_BROWSER is set (.ci/run sets it), so CI cannot pass with none run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.support import REQUIRE_BROWSER, browser_required, check_browser

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_browser_skips_unless_required() -> None:
    check_browser(None, required=True)  # a browser: nothing happens
    with pytest.raises(pytest.skip.Exception, match="no browser"):
        check_browser("no browser", required=False)
    with pytest.raises(pytest.fail.Exception, match=f"no browser, and {REQUIRE_BROWSER}"):
        check_browser("no browser", required=True)


def test_the_variable_turns_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_BROWSER, raising=False)
    assert not browser_required()
    monkeypatch.setenv(REQUIRE_BROWSER, "0")
    assert not browser_required()
    monkeypatch.setenv(REQUIRE_BROWSER, "1")
    assert browser_required()


def test_ci_requires_the_browser() -> None:
    assert f"export {REQUIRE_BROWSER}=1" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
