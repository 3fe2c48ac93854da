"""Anchoring the audit trail outside the database: signed checkpoints in the object store.

The hash chain in ``audit_events`` shows an edit to one row, but someone who can write the
database can also delete the newest events or rewrite a row and re-hash everything after it,
and the chain would still verify. So the chain is anchored outside the database:

- a secret key (``YEKUO_AUDIT_KEY_FILE``, created on first use, never in the database) signs
  each checkpoint with HMAC-SHA256;
- a checkpoint, written as an object-store record ``audit/checkpoints/<last id>.json``, holds
  the id and hash of every event since the one before it; checkpoints are written by the intake
  workers' periodic task and by ``yekuo verify``, and never changed;
- verifying re-computes the chain and then compares every checkpointed event with the database:
  a rewritten, deleted or re-hashed event, a forged or missing checkpoint, is named.

Events newer than the last checkpoint are protected by the chain alone until the next one is
written (a minute at most while workers run). To keep an operator who can delete objects from
removing checkpoints, give the bucket object lock (WORM) or versioning.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._audit import ChainReport, lock_chain, verify_chain
from archive._errors import ArchiveError
from archive.db._models import AuditEvent, utcnow
from archive.storage._protocol import ObjectStore

CHECKPOINTS = "audit/checkpoints/"
_KEY_BYTES = 32
_FORMAT = "yekuo-audit-checkpoint/1"


class AuditKeyError(ArchiveError):
    """The audit key file cannot be read or created, or is not a key."""


def load_audit_key(path: Path) -> bytes:
    """The audit key in ``path``, created (random, mode 0600) when the file does not exist.

    Two processes starting at once agree: the file is created exclusively, and the one that
    loses the race reads the winner's key.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise AuditKeyError(
            f"cannot create the audit key {path}: {exc}; check YEKUO_AUDIT_KEY_FILE and the "
            "directory's permissions"
        ) from exc
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(_KEY_BYTES) + "\n")
            out.flush()
            os.fsync(out.fileno())
    try:
        key = bytes.fromhex(path.read_text("ascii").strip())
    except (OSError, ValueError) as exc:
        raise AuditKeyError(
            f"the audit key {path} cannot be read as hex: {exc}; restore it from the backup of "
            "the installation's secrets (checkpoints signed with another key will not verify)"
        ) from exc
    if len(key) < 16:
        raise AuditKeyError(f"the audit key {path} is too short ({len(key)} bytes, 16 at least)")
    return key


@dataclass(frozen=True)
class Checkpoint:
    """What one checkpoint anchors: the events ``first_id`` … ``last_id`` and their hashes."""

    first_id: int
    last_id: int
    hashes: tuple[tuple[int, str], ...]
    written_at: str

    @property
    def name(self) -> str:
        """Its record name: ordered by the last event it anchors."""
        return f"{CHECKPOINTS}{self.last_id:012d}.json"

    def signed(self, key: bytes) -> bytes:
        """The record's bytes: the checkpoint and its HMAC."""
        body = self._body()
        return json.dumps({**body, "mac": _mac(key, body)}, sort_keys=True).encode()

    def _body(self) -> dict[str, Any]:
        return {
            "format": _FORMAT,
            "first_id": self.first_id,
            "last_id": self.last_id,
            "events": [list(pair) for pair in self.hashes],
            "written_at": self.written_at,
        }


def _mac(key: bytes, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _read(store: ObjectStore, name: str, key: bytes) -> Checkpoint | None:
    """The checkpoint in record ``name``, or None when it is not one signed with ``key``."""
    try:
        raw = json.loads(store.get_record(name))
        mac = raw.pop("mac")
        if raw.get("format") != _FORMAT or not hmac.compare_digest(mac, _mac(key, raw)):
            return None
        return Checkpoint(
            first_id=int(raw["first_id"]),
            last_id=int(raw["last_id"]),
            hashes=tuple((int(i), str(h)) for i, h in raw["events"]),
            written_at=str(raw["written_at"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def write_checkpoint(session: Session, *, store: ObjectStore, key: bytes) -> Checkpoint | None:
    """Anchor every event newer than the last checkpoint; None when there is none to anchor.

    Holds the chain's lock (until the caller's transaction ends), so appends and other
    checkpoints wait and no two checkpoints overlap.
    """
    lock_chain(session)
    names = store.list_records(CHECKPOINTS)
    after = int(Path(names[-1]).stem) if names else 0
    rows = session.execute(
        select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.id > after).order_by(AuditEvent.id)
    ).all()
    if not rows:
        return None
    checkpoint = Checkpoint(
        first_id=after + 1,
        last_id=rows[-1].id,
        hashes=tuple((row.id, row.hash) for row in rows),
        written_at=utcnow().isoformat(),
    )
    store.put_record(checkpoint.name, checkpoint.signed(key))
    return checkpoint


def verify_audit(session: Session, *, store: ObjectStore, key: bytes) -> ChainReport:
    """The chain re-computed, then every checkpoint checked against the database.

    Reports the first event that was rewritten, re-hashed or removed, or the first checkpoint
    that is forged or missing; ``anchored_through`` says how far the checkpoints reach.
    """
    chain = verify_chain(session)
    expected_first, anchored = 1, 0
    for name in store.list_records(CHECKPOINTS):
        checkpoint = _read(store, name, key)
        if checkpoint is None:
            return _broken(
                chain,
                None,
                f"audit checkpoint {name} is not signed with this "
                "installation's key: it was forged or altered, or YEKUO_AUDIT_KEY_FILE "
                "is not this installation's key",
            )
        if checkpoint.first_id != expected_first:
            return _broken(
                chain,
                expected_first,
                f"audit checkpoints for events {expected_first}"
                f"–{checkpoint.first_id - 1} are missing from the object store",
            )
        rows = session.execute(
            select(AuditEvent.id, AuditEvent.hash).where(
                AuditEvent.id.between(checkpoint.first_id, checkpoint.last_id)
            )
        )
        stored = {row.id: row.hash for row in rows}
        for event_id, event_hash in checkpoint.hashes:
            found = stored.get(event_id)
            if found != event_hash:
                what = "removed" if found is None else "rewritten (its hash changed)"
                return _broken(
                    chain,
                    event_id,
                    f"audit event {event_id} was {what} after checkpoint {name} anchored it",
                )
        expected_first, anchored = checkpoint.last_id + 1, checkpoint.last_id
    return ChainReport(
        events=chain.events,
        intact=chain.intact,
        first_broken_id=chain.first_broken_id,
        message=chain.message if not chain.intact else _anchored_message(chain.events, anchored),
        anchored_through=anchored,
    )


def _anchored_message(events: int, anchored: int) -> str:
    if anchored == 0:
        return "intact (no checkpoint yet: run `yekuo verify` to write the first)"
    return f"intact; checkpoints anchor events 1–{anchored}, {max(0, events - anchored)} newer"


def _broken(chain: ChainReport, event_id: int | None, why: str) -> ChainReport:
    first = (
        event_id
        if chain.intact or chain.first_broken_id is None
        else min(chain.first_broken_id, event_id or chain.first_broken_id)
    )
    return ChainReport(
        events=chain.events,
        intact=False,
        first_broken_id=first,
        message=f"{why}; restore the audit table from a backup and investigate",
        anchored_through=None,
    )
