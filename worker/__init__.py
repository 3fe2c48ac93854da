"""The intake runtime: the durable queue (huey), the job runner and the intake steps it wires,
and the watched folder that files what network scanners drop.

``yekuo serve`` runs it in-process; ``yekuo worker`` runs it alone, without the HTTP stack.
"""

from worker._queue import (
    SHUTDOWN_SECONDS,
    IntakeQueue,
    QueueConsumer,
    QueueError,
    run_until_signalled,
)
from worker._steps import stored_understanding, worker_parts
from worker._watch import BackgroundWatch, WatchFolder, WatchResult, background_watch, watch_dir
from worker._worker import (
    Attempt,
    IntakeJobError,
    IntakeWorker,
    UnreadableDocumentError,
    WorkerParts,
)

__all__ = [
    "SHUTDOWN_SECONDS",
    "Attempt",
    "BackgroundWatch",
    "IntakeJobError",
    "IntakeQueue",
    "IntakeWorker",
    "QueueConsumer",
    "QueueError",
    "UnreadableDocumentError",
    "WatchFolder",
    "WatchResult",
    "WorkerParts",
    "background_watch",
    "run_until_signalled",
    "stored_understanding",
    "watch_dir",
    "worker_parts",
]
