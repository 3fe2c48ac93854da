"""The audit trail anchored outside the database: truncation and re-hashing are caught."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from archive import (
    SYSTEM,
    AuditEvent,
    AuditKeyError,
    Database,
    LocalObjectStore,
    load_audit_key,
    record_event,
    verify_audit,
    verify_chain,
    write_checkpoint,
)
from archive._audit import GENESIS_HASH, _event_hash, _payload

KEY = b"k" * 32


def _append(database: Database, count: int) -> None:
    with database.transaction() as session:
        for n in range(count):
            record_event(
                session, actor=SYSTEM, action="test.append", entity_type="t", entity_id=str(n)
            )


def _checkpoint(database: Database, store: LocalObjectStore) -> None:
    with database.transaction() as session:
        write_checkpoint(session, store=store, key=KEY)


def _verify(
    database: Database, store: LocalObjectStore, key: bytes = KEY
) -> tuple[bool, int | None, str]:
    with database.transaction() as session:
        report = verify_audit(session, store=store, key=key)
    return report.intact, report.first_broken_id, report.message


def test_checkpoints_anchor_every_event_and_only_new_ones_are_written(
    database: Database, store: LocalObjectStore
) -> None:
    _append(database, 3)
    _checkpoint(database, store)
    _checkpoint(database, store)  # nothing new: no second checkpoint
    _append(database, 2)
    _checkpoint(database, store)
    assert store.list_records("audit/checkpoints/") == (
        "audit/checkpoints/000000000003.json",
        "audit/checkpoints/000000000005.json",
    )
    with database.transaction() as session:
        report = verify_audit(session, store=store, key=KEY)
    assert (report.intact, report.anchored_through, report.events) == (True, 5, 5)


def test_deleting_the_newest_events_is_caught_naming_the_first_removed(
    database: Database, store: LocalObjectStore
) -> None:
    _append(database, 60)
    _checkpoint(database, store)
    with database.transaction() as session:
        session.execute(delete(AuditEvent).where(AuditEvent.id > 10))
        assert verify_chain(session).intact  # the chain alone cannot tell
    intact, first, message = _verify(database, store)
    assert (intact, first) == (False, 11)
    assert "audit event 11 was removed" in message


def test_rewriting_a_row_and_rehashing_the_chain_is_caught(
    database: Database, store: LocalObjectStore
) -> None:
    _append(database, 8)
    _checkpoint(database, store)
    with database.transaction() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == 5).values(actor="mallory"))
        prev = GENESIS_HASH
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            event.prev_hash, event.hash = prev, _event_hash(prev, _payload(event))
            prev = event.hash
    with database.transaction() as session:
        assert verify_chain(session).intact  # re-hashed: the chain alone cannot tell
    intact, first, message = _verify(database, store)
    assert (intact, first) == (False, 5)
    assert "audit event 5 was rewritten" in message


def test_a_forged_or_missing_checkpoint_is_caught(
    database: Database, store: LocalObjectStore, tmp_path: Path
) -> None:
    _append(database, 2)
    _checkpoint(database, store)
    _append(database, 2)
    _checkpoint(database, store)
    name = "audit/checkpoints/000000000004.json"
    forged = json.loads(store.get_record(name))
    forged["events"][0][1] = "0" * 64
    store.put_record(name, json.dumps(forged).encode())
    intact, _, message = _verify(database, store)
    assert not intact
    assert f"audit checkpoint {name} is not signed" in message
    (store.root / "records" / name).unlink()
    (store.root / "records" / "audit/checkpoints/000000000002.json").unlink()
    _append(database, 1)
    _checkpoint(database, store)  # anchors 1–5 again: nothing of the old ones is trusted
    assert _verify(database, store)[0]
    assert not _verify(database, store, key=b"another key, 16+ bytes")[0]


def test_a_gap_between_checkpoints_is_named(database: Database, store: LocalObjectStore) -> None:
    for _ in range(3):
        _append(database, 2)
        _checkpoint(database, store)
    (store.root / "records" / "audit/checkpoints/000000000004.json").unlink()
    intact, first, message = _verify(database, store)
    assert (intact, first) == (False, 3)
    assert "checkpoints for events 3–4 are missing" in message


def test_the_key_file_is_made_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "audit.key"
    key = load_audit_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_audit_key(path) == key
    path.write_text("not hex")
    with pytest.raises(AuditKeyError, match="cannot be read as hex"):
        load_audit_key(path)
