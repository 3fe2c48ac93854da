"""The one definition of "a context manager that closes itself when the block ends"."""

from __future__ import annotations

from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self


class Closing(ABC):
    """Base of everything that holds a resource: ``with`` gives the object and closes it after.

    Backends (database, object stores, search indices) and spooled uploads derive from it, so
    each only says what closing means.
    """

    @abstractmethod
    def close(self) -> None:
        """Release what the object holds; calling it twice is harmless."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
