"""China's clock: the one "today" of yekuo, whatever time zone the server is set to.

Deadlines count working days in China, so a case's acceptance date, a licence's expiry and
today's date for a check are all taken here, never from the server's local time.
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time (UTC+8, no daylight saving)."""


def today_in_china() -> dt.date:
    """Today's date in China."""
    return dt.datetime.now(CHINA).date()
