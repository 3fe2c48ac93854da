"""``yekuo webhooks deliver``: collect and send the webhook messages that are due, once."""

from __future__ import annotations

import click

from archive import UrllibSender, open_database, today_in_china, webhook_round
from core import SettingsError, get_settings


@click.group("webhooks")
def webhooks_group() -> None:
    """The webhook told of overdue stages and new error findings (YEKUO_WEBHOOK_URL)."""


@webhooks_group.command("deliver")
def webhooks_deliver() -> None:
    """Collect overdue stages and new error findings, then send every message that is due
    (the worker does this every minute); failures are tried again later."""
    settings = get_settings()
    if not settings.webhook_url:
        raise SettingsError("YEKUO_WEBHOOK_URL is empty: set it (and YEKUO_WEBHOOK_SECRET) first")
    with open_database(settings) as database:
        database.upgrade()
        collected, report = webhook_round(
            database,
            url=settings.webhook_url,
            secret=settings.webhook_secret.get_secret_value(),
            sender=UrllibSender(),
            today=today_in_china(),
        )
    click.echo(
        f"collected {collected}, delivered {report.delivered}, failed {report.failed} "
        f"(given up {report.given_up})"
    )
