"""Celery tasks of the reports app: thin wrappers around its services (report runs, quarterly returns)."""

from celery import shared_task
from django.conf import settings

from reports import services
from reports.returns.reminders import send_return_reminders
from reports.returns.services import open_previous_quarter_round
from reports.services.runs import ClaimOutcome


@shared_task
def open_quarterly_return_round() -> str | None:
    """Daily: open the last ended quarter's return round if it is not open yet."""
    round_ = open_previous_quarter_round()
    return round_.quarter if round_ else None


@shared_task
def send_quarterly_return_reminders() -> dict[str, int]:
    return send_return_reminders()


@shared_task(
    bind=True,
    acks_late=True,  # acknowledged when done, so a worker that dies mid-report leaves it to another
    reject_on_worker_lost=True,
    soft_time_limit=settings.TRACKER_REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.TRACKER_REPORT_HARD_TIME_LIMIT,
    max_retries=settings.TRACKER_REPORT_HARD_TIME_LIMIT // settings.TRACKER_REPORT_LEASE_SECONDS + 2,
)
def generate_report(self, *, run_id: int) -> str:
    outcome = services.generate_report(run_id=run_id)
    if outcome == ClaimOutcome.BUSY:
        # Another attempt is alive (or died a moment ago): look again once its lease has run out.
        raise self.retry(countdown=settings.TRACKER_REPORT_LEASE_SECONDS + 1)
    return outcome


@shared_task
def sweep_stuck_reports() -> int:
    return services.sweep_stuck_runs()


@shared_task
def generate_scheduled_report(
    *, schedule_name: str = "", scope: str = "all", format: str = "pdf", language: str = "en", requested_by: str = ""
) -> int:
    run = services.request_scheduled_report(
        schedule_name=schedule_name, scope=scope, format=format, language=language, requested_by=requested_by
    )
    return run.pk
