"""The load script (``bench.load``) runs, bounded, on the embedded backends and checks itself."""

from __future__ import annotations

from pathlib import Path

from bench.load import parser, run


def test_a_short_load_run_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    args = parser().parse_args(
        ["--seconds", "3", "--archivists", "2", "--auditors", "1", "--workers", "0",
         "--drain", "0", "--scans", "1"]
    )  # fmt: skip
    report = run(args, tmp_path)
    uploads, searches = report.tally.seconds["upload"], report.tally.seconds["search"]
    assert uploads
    assert searches
    assert not report.tally.errors
    assert len(report.tally.accepted) == len(uploads)
    assert (report.lost, report.unexpected, report.duplicates) == (0, 0, 0)
    assert sum(report.statuses.values()) == len(uploads)
    assert report.verify_ok, report.verify_output
