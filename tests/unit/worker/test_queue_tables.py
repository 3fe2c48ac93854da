"""Workers starting at the same moment all find the queue's tables (PostgreSQL raced on them)."""

from __future__ import annotations

import threading

from core import Settings
from worker import IntakeQueue


def test_queues_opened_at_once_on_a_new_database_all_start(settings: Settings) -> None:
    starting = threading.Barrier(4)
    failures: list[BaseException] = []

    def start() -> None:
        starting.wait(timeout=10)
        try:
            IntakeQueue(settings).close()
        except BaseException as error:  # every failure is reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    queue = IntakeQueue(settings)
    try:
        assert queue.waiting() == set()
    finally:
        queue.close()
