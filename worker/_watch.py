"""The watched folder for network scanners: ``yekuo watch DIR``, or ``YEKUO_WATCH_DIR`` in serve.

Layout of a watched folder::

    DIR/              scanners write here; a file is taken once it stopped growing
    DIR/processing/   a file being filed, claimed by an atomic rename out of DIR
    DIR/done/         filed on its case
    DIR/failed/       refused, each beside NAME.reason.txt (in Chinese, with the error code)

A file is always in exactly one of the four, so nothing is lost if the process dies: what
it left in ``processing/`` is filed again at the next start, and filing twice is harmless
(the archive keeps one document per case and sha256). One process watches a folder.
A file whose backend (database, object store) is down goes back to DIR and is tried again.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.exc import OperationalError

from archive import (
    Actor,
    Database,
    ImportItem,
    ObjectStore,
    ObjectStoreError,
    Role,
    import_file,
)
from core import Settings, SettingsError, YekuoError
from worker._queue import IntakeQueue
from worker._watch_routing import UNROUTED, UNROUTED_MESSAGE, failure_of, route

log = logging.getLogger("yekuo.watch")

PROCESSING, DONE, FAILED = "processing", "done", "failed"
REASON_SUFFIX = ".reason.txt"
# Names scanners and copy tools give a file while they still write it.
_UNFINISHED = (".tmp", ".part", ".partial", ".crdownload", ".filepart")
# A backend that is down: the file is not at fault, so it is tried again later.
_TRANSIENT = (OperationalError, ObjectStoreError)

Outcome = Literal["stored", "duplicate", "failed", "retry"]


@dataclass(frozen=True)
class WatchResult:
    """What became of one file: filed (``stored``/``duplicate``), ``failed``, or ``retry``."""

    name: str
    outcome: Outcome
    case_no: str | None = None
    document_id: str | None = None
    routed_by: str | None = None
    code: str | None = None
    message: str = ""


class WatchFolder:
    """Files what scanners drop in ``root`` onto their cases, as ``watch:ROOT`` (archivist)."""

    def __init__(
        self,
        root: Path,
        *,
        settings: Settings,
        database: Database,
        store: ObjectStore,
        queue: IntakeQueue,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.root = root
        self.settings, self.database, self.store, self.queue = settings, database, store, queue
        self._clock = clock
        self.actor = Actor(name=f"watch:{root}"[:200], role=Role.archivist)
        for name in (PROCESSING, DONE, FAILED):
            (root / name).mkdir(exist_ok=True)
        # name → ((size, mtime_ns), when that signature was first seen)
        self._seen: dict[str, tuple[tuple[int, int], float]] = {}

    def settled(self) -> list[Path]:
        """Files in the folder whose size and mtime stayed the same for the settle interval."""
        now = self._clock()
        seen: dict[str, tuple[tuple[int, int], float]] = {}
        ready: list[Path] = []
        for entry in os.scandir(self.root):
            if entry.name.startswith((".", "~")) or entry.name.endswith(_UNFINISHED):
                continue
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                stat = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            previous = self._seen.get(entry.name)
            since = previous[1] if previous is not None and previous[0] == signature else now
            seen[entry.name] = (signature, since)
            if now - since >= self.settings.watch_settle_seconds:
                ready.append(Path(entry.path))
        self._seen = seen
        return sorted(ready)

    def poll(self) -> list[WatchResult]:
        """Claim every settled file and file it."""
        claimed = (self._claim(path) for path in self.settled())
        return self._file_each(path for path in claimed if path is not None)

    def recover(self) -> list[WatchResult]:
        """File again what a process that died left in ``processing/``."""
        left = sorted(p for p in (self.root / PROCESSING).iterdir() if p.is_file())
        if left:
            log.warning("watch %s: filing %d file(s) left in processing/", self.root, len(left))
        return self._file_each(left)

    def _file_each(self, claimed: Iterable[Path]) -> list[WatchResult]:
        """Each file filed; one that cannot be moved on stays in processing/ for the next start."""
        results: list[WatchResult] = []
        for path in claimed:
            try:
                results.append(self.file(path))
            except OSError as error:
                log.error("watch %s: %s stays in processing/: %s", self.root, path.name, error)
        return results

    def once(self, *, sleep: Callable[[float], None] = time.sleep) -> list[WatchResult]:
        """Recover, then file what is in the folder and stops growing within one interval."""
        results = self.recover()
        self.settled()
        sleep(self.settings.watch_settle_seconds)
        return results + self.poll()

    def run(self, stop: threading.Event) -> None:
        """Recover, then poll until ``stop`` is set; a failing poll is logged, not fatal."""
        self.recover()
        while not stop.is_set():
            try:
                self.poll()
            except OSError as error:
                log.warning("watch %s: cannot read the folder: %s", self.root, error)
            stop.wait(self.settings.watch_poll_seconds)

    def file(self, claimed: Path) -> WatchResult:
        """Route a claimed file, store it on its case, queue it, and move it to done/ or failed/."""
        name = claimed.name
        try:
            with self.database.transaction() as session:
                where = route(session, claimed, filename=name, settings=self.settings)
            if where is None:
                return self._fail(claimed, UNROUTED, f"{name}: {UNROUTED_MESSAGE}")
            item = ImportItem(path=claimed, case_no=where.case_no, doc_type=where.doc_type)
            stored = import_file(
                item,
                database=self.database,
                store=self.store,
                tmp_dir=self.settings.resolved_tmp_dir,
                max_bytes=self.settings.max_upload_bytes,
                actor=self.actor,
            )
        except _TRANSIENT as error:
            log.warning("watch %s: %s goes back to be tried again: %s", self.root, name, error)
            _move(claimed, self.root)
            return WatchResult(name=name, outcome="retry", message=str(error))
        except Exception as error:
            if not isinstance(error, YekuoError | OSError):
                log.exception("watch %s: unexpected failure filing %s", self.root, name)
            message = error.message if isinstance(error, YekuoError) else str(error)
            return self._fail(claimed, failure_of(error), message)
        if stored.outcome == "stored" and stored.document_id:
            self.queue.enqueue(stored.document_id)
        _move(claimed, self.root / DONE)
        log.info("watch %s: %s → case %s (%s)", self.root, name, where.case_no, stored.outcome)
        return WatchResult(
            name=name,
            outcome="stored" if stored.outcome == "stored" else "duplicate",
            case_no=where.case_no,
            document_id=stored.document_id,
            routed_by=where.by,
        )

    def _claim(self, path: Path) -> Path | None:
        """The file moved into ``processing/``, or None if it is gone or cannot be moved."""
        self._seen.pop(path.name, None)
        try:
            return _move(path, self.root / PROCESSING)
        except FileNotFoundError:
            return None  # deleted, or taken by another process
        except OSError as error:
            log.error("watch %s: cannot claim %s: %s", self.root, path.name, error)
            return None

    def _fail(self, claimed: Path, failure: tuple[str, str], message: str) -> WatchResult:
        """Write the reason file, then move the file beside it into ``failed/``."""
        code, label_zh = failure
        target = _free_name(self.root / FAILED, claimed.name)
        reason = target.with_name(target.name + REASON_SUFFIX)
        when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        text = (
            f"{label_zh}\n错误代码：{code}\n文件：{claimed.name}\n时间：{when}\n详情：{message}\n"
        )
        partial = reason.with_name(reason.name + ".tmp")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, reason)
        os.rename(claimed, target)
        log.warning("watch %s: %s failed (%s): %s", self.root, claimed.name, code, message)
        return WatchResult(name=claimed.name, outcome="failed", code=code, message=message)


def _move(path: Path, folder: Path) -> Path:
    target = _free_name(folder, path.name)
    os.rename(path, target)  # atomic within one filesystem: the file is never in two places
    return target


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/STEM.N.SUFFIX`` with the first N not taken."""
    target = folder / name
    number = 1
    while target.exists():
        path = Path(name)
        target = folder / f"{path.stem}.{number}{path.suffix}"
        number += 1
    return target


class BackgroundWatch:
    """A watched folder polled on a thread of its own, started and stopped with the app."""

    def __init__(self, folder: WatchFolder) -> None:
        self.folder = folder
        self._stop = threading.Event()
        self._thread = threading.Thread(target=folder.run, args=(self._stop,), name="yekuo-watch")

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the file being filed, if any."""
        self._stop.set()
        self._thread.join()


def watch_dir(settings: Settings) -> Path | None:
    """``YEKUO_WATCH_DIR`` resolved, or None when unset; SettingsError if it is no directory."""
    if settings.watch_dir is None:
        return None
    folder = settings.watch_dir.resolve()
    if not folder.is_dir():
        raise SettingsError(
            f"YEKUO_WATCH_DIR={str(settings.watch_dir)!r} is not a directory; create it "
            "(writable by yekuo) or leave the variable empty"
        )
    return folder


def background_watch(
    settings: Settings, *, database: Database, store: ObjectStore, queue: IntakeQueue
) -> BackgroundWatch | None:
    """The watch of ``YEKUO_WATCH_DIR`` that ``yekuo serve`` runs, or None when it is unset."""
    folder = watch_dir(settings)
    if folder is None:
        return None
    watched = WatchFolder(folder, settings=settings, database=database, store=store, queue=queue)
    return BackgroundWatch(watched)
