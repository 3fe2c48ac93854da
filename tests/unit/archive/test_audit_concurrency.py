"""Concurrent writers append to one audit chain without colliding (PostgreSQL in its run)."""

from __future__ import annotations

import threading

from archive import SYSTEM, Database, record_event, verify_chain


def test_concurrent_appends_all_land_and_the_chain_verifies(database: Database) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def append(n: int) -> None:
        try:
            start.wait()
            with database.transaction() as session:
                record_event(
                    session, actor=SYSTEM, action="test.append", entity_type="t", entity_id=str(n)
                )
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with database.transaction() as session:
        report = verify_chain(session)
    assert report.intact
    assert report.events == 6
