from celery import shared_task

from lifecycle.services import send_due_reminders


@shared_task
def send_daily_reminders() -> dict[str, int]:
    return send_due_reminders()
