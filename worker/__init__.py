"""The intake runtime: the durable queue (huey), the job runner and the intake steps it wires.

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
    "IntakeJobError",
    "IntakeQueue",
    "IntakeWorker",
    "QueueConsumer",
    "QueueError",
    "UnreadableDocumentError",
    "WorkerParts",
    "run_until_signalled",
    "stored_understanding",
    "worker_parts",
]
