from celery import shared_task

from reports.returns.reminders import send_return_reminders
from reports.returns.services import open_previous_quarter_round


@shared_task
def open_quarterly_return_round() -> str | None:
    """Daily: open the last ended quarter's return round if it is not open yet."""
    round_ = open_previous_quarter_round()
    return round_.quarter if round_ else None


@shared_task
def send_quarterly_return_reminders() -> dict[str, int]:
    return send_return_reminders()
