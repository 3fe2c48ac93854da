"""Settings and the base error shared by every yekuo package."""

from core._clock import CHINA, today_in_china
from core._closing import Closing
from core._errors import SettingsError, YekuoError
from core._process import (
    boot_id,
    ended_here,
    ended_on_this_machine,
    process_instance,
    process_tag,
)
from core._settings import MAX_LOAN_DAYS, Settings, get_settings
from core._sqlite_wal import use_wal

__all__ = [
    "CHINA",
    "MAX_LOAN_DAYS",
    "Closing",
    "Settings",
    "SettingsError",
    "YekuoError",
    "boot_id",
    "ended_here",
    "ended_on_this_machine",
    "get_settings",
    "process_instance",
    "process_tag",
    "today_in_china",
    "use_wal",
]
