"""Workers starting at the same moment all find the queue's tables (PostgreSQL raced on them)."""

from __future__ import annotations

from core import Settings
from tests.at_once import failures_at_once
from worker import IntakeQueue


def test_queues_opened_at_once_on_a_new_database_all_start(settings: Settings) -> None:
    assert failures_at_once(lambda: IntakeQueue(settings).close(), threads=4) == []
    queue = IntakeQueue(settings)
    try:
        assert queue.waiting() == set()
    finally:
        queue.close()
