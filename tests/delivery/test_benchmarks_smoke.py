"""The benchmarks still run and print their figures (tiny parameters: this checks the shape of
the JSON, not the performance; the real runs take minutes, see benchmarks/README.md)."""

from __future__ import annotations

import json
import os

import pytest

from benchmarks import claim_and_queue, delivery_rate, outbox_claim

CLAIM_KEYS = {
    "benchmark",
    "database",
    "pairs",
    "messages",
    "runs_s",
    "median_s",
    "target_s",
    "meets_target",
    "baseline",
    "ratio_to_baseline",
    "command",
}
RATE_KEYS = {
    "benchmark",
    "mode",
    "allowed_per_s",
    "achieved_per_s",
    "ratio",
    "responses_429",
    "target_ratio",
    "meets_target",
    "seconds",
    "baseline",
    "ratio_to_baseline",
    "command",
}


def printed(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, "a benchmark prints exactly one line (its JSON) on stdout"
    result = json.loads(out[0])
    assert isinstance(result, dict)
    return result


@pytest.mark.parametrize(
    "database",
    [
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not os.environ.get("MENTORBOT_TEST_POSTGRES_URL"),
                    reason="set MENTORBOT_TEST_POSTGRES_URL to run PostgreSQL benchmarks",
                ),
            ],
        ),
    ],
)
def test_claim_and_queue_prints_its_figures(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = claim_and_queue.main(["--pairs", "200", "--repeat", "2", "--database", database])
    assert printed(capsys) == result
    assert result.keys() >= CLAIM_KEYS
    assert result["benchmark"] == "claim_and_queue" and result["database"] == database
    assert (result["pairs"], result["messages"]) == (200, 400)
    assert len(result["runs_s"]) == 2 and result["median_s"] > 0
    assert result["baseline"]["median_s"] > 0 and result["ratio_to_baseline"] > 0
    assert result["meets_target"] is True  # 200 pairs take well under the 10 s target


def test_delivery_rate_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    result = delivery_rate.main(
        ["--rate", "30", "--seconds", "2", "--repeat", "1", "--capacity-messages", "100"]
    )
    assert printed(capsys) == result
    assert result.keys() >= RATE_KEYS
    assert (result["benchmark"], result["mode"], result["allowed_per_s"]) == (
        "delivery_rate",
        "free",
        30,
    )
    assert result["responses_429"] == 0  # the sender never trips the sandbox's limit
    assert 0 < result["achieved_per_s"] <= 30
    assert result["baseline"]["achieved_per_s"] > 0


def test_outbox_claim_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    result = outbox_claim.main(
        ["--pairs", "100", "--repeat", "1", "--claims", "4", "--batch", "10"]
    )
    assert printed(capsys) == result
    assert (result["benchmark"], result["outbox_rows"], result["claims"]) == (
        "outbox_claim",
        200,
        4,
    )
    assert result["median_s"] > 0 and result["baseline"]["median_s"] > 0
    assert result["ratio_to_baseline"] > 0 and "outbox_claim.py" in str(result["command"])
