"""Settings and the base error shared by every yekuo package."""

from core._errors import SettingsError, YekuoError
from core._settings import MiB, Settings, get_settings

__all__ = ["MiB", "Settings", "SettingsError", "YekuoError", "get_settings"]
