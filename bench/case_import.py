"""Case-record import speed: seconds for ``yekuo cases import`` of N generated records.

Imports N invented records (a CSV and an XLSX export, ``--bad-every`` rows with a fault) into
a fresh embedded installation in a temporary directory, three ways: refused whole (a bad row:
every row judged, nothing written), written (``--skip-bad``: the good rows created) and again
(every row unchanged), and prints the seconds and rows per second of each.

    .venv/bin/python -m bench.case_import [--count 1000] [--bad-every 50] [--format csv]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from archive import SYSTEM, import_case_records, load_rule_book, open_database, today_in_china
from core import get_settings
from synthetic import case_record_export, case_records_csv, case_records_xlsx


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--bad-every", type=int, default=50)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    export = case_record_export(args.count, seed=1, bad_every=args.bad_every)
    write = case_records_csv if args.format == "csv" else case_records_xlsx
    content = write(export.rows)
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["YEKUO_DATA_DIR"] = data_dir
        get_settings.cache_clear()
        settings = get_settings()
        rules = load_rule_book(settings.rules_file)
        with open_database(settings) as database:
            database.upgrade()
            for label, skip_bad in (("refused whole", False), ("written", True), ("again", True)):
                started = time.perf_counter()
                with database.transaction() as session:
                    report = import_case_records(
                        session,
                        filename=f"bench.{args.format}",
                        content=content,
                        actor=SYSTEM,
                        rules=rules,
                        today=today_in_china(),
                        may_move=True,
                        skip_bad=skip_bad,
                    )
                seconds = time.perf_counter() - started
                print(
                    f"{label:>14}: {seconds:6.2f} s, {args.count / seconds:7.0f} rows/s "
                    f"(created {report.created}, updated {report.updated}, unchanged "
                    f"{report.unchanged}, refused {report.refused}, written {report.written})"
                )


if __name__ == "__main__":
    main()
