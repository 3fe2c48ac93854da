"""Settings and the base error shared by every yekuo package."""

from core._closing import Closing
from core._errors import SettingsError, YekuoError
from core._settings import Settings, get_settings

__all__ = ["Closing", "Settings", "SettingsError", "YekuoError", "get_settings"]
