"""The batch-import benchmark (``bench.batch_import``) runs, small, and checks itself."""

from __future__ import annotations

from pathlib import Path

from bench.batch_import import parser, run


def test_an_import_killed_and_resumed_stores_every_file_once(tmp_path: Path) -> None:
    args = parser().parse_args(
        ["--count", "30", "--cases", "3", "--workers", "0", "--kill-at", "0.3",
         "--scans", "1", "--drain", "0"]
    )  # fmt: skip
    outcome = run(args, tmp_path)
    first, _ = outcome.first_run
    second, _ = outcome.second_run
    assert 9 <= first < 30
    assert first + second == 30
    assert outcome.outcomes.get("refused", 0) == 0
    assert outcome.outcomes["stored"] + outcome.outcomes.get("duplicate", 0) == first + second
    assert (outcome.documents, outcome.distinct_files) == (30, 30)
    assert outcome.statuses == {"queued": 30}
    assert outcome.verify_ok
