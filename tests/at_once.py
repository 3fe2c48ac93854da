"""Running one action on several threads released at the same moment, as racing processes do."""

from __future__ import annotations

import threading
from collections.abc import Callable


def failures_at_once(action: Callable[[], object], *, threads: int) -> list[BaseException]:
    """Run ``action`` on ``threads`` threads started together; what each raised, if anything."""
    starting = threading.Barrier(threads)
    failures: list[BaseException] = []

    def run() -> None:
        starting.wait(timeout=10)
        try:
            action()
        except BaseException as error:  # every failure is returned to the caller
            failures.append(error)

    running = [threading.Thread(target=run) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(timeout=60)
    return failures
