"""The webhook's HTTP client: one POST with the standard library, its failures translated."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping

from archive._errors import ArchiveError

TIMEOUT_SECONDS = 10.0


class WebhookDeliveryError(ArchiveError):
    """The receiver did not take a webhook message (no answer, or not a 2xx status)."""


class UrllibSender:
    """Sends webhook messages with ``urllib`` (a 2xx answer is delivered, anything else not)."""

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS) -> None:
        self.timeout = timeout

    def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> None:
        """POST ``body``; WebhookDeliveryError naming the status or the network failure."""
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            raise WebhookDeliveryError(
                f"the webhook {url} answered {exc.code} {exc.reason}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise WebhookDeliveryError(f"the webhook {url} could not be reached: {reason}") from exc
        if not 200 <= status < 300:
            raise WebhookDeliveryError(f"the webhook {url} answered {status}")
