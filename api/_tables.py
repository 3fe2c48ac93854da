"""A report as a file to download: CSV or XLSX, named in ASCII."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import Response

from archive import ConsistencyReport, consistency_csv, consistency_xlsx

TableFormat = Literal["csv", "xlsx"]

_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def consistency_download(
    report: ConsistencyReport, *, table_format: TableFormat, mask: bool
) -> Response:
    """The consistency report as an attachment ``consistency-YYYY-MM-DD.csv`` (or ``.xlsx``)."""
    write = consistency_csv if table_format == "csv" else consistency_xlsx
    name = f"consistency-{report.generated_on.isoformat()}.{table_format}"
    return Response(
        write(report, mask=mask),
        media_type=_MEDIA_TYPES[table_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
