"""A report run's life: requested and queued together, claimed by one worker, finished once.

``request_report`` creates the run and queues its task when the transaction commits; if the
broker cannot take the task, the run is removed again and ``ReportNotQueued`` tells the user,
so there is never a run that nobody will work on. A worker claims the run with a conditional
UPDATE that raises ``attempt``; progress and the finish are conditional on that attempt, so a
duplicate or redelivered task cannot report over the live one or store a second file.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adoption.quarters import Quarter
from adoption.roles import Permission, has_permission
from lifecycle.errors import ActionRefused
from reports.models import ReportFormat, ReportLanguage, ReportRun, RunStatus
from reports.periods import Period
from reports.scopes import ReportScope, within_user_scope

logger = logging.getLogger(__name__)

EARLIEST_PERIOD_START = date(2015, 1, 1)
LONGEST_PERIOD_DAYS = 5 * 366
# Publishing gives up quickly when the broker is down: the user is waiting for the page.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


class ReportNotQueued(Exception):
    """The broker could not take the task; nothing was kept."""

    message = gettext_lazy(
        "The report could not be queued because the background service is not available right now. "
        "Nothing was saved; please try again in a few minutes."
    )

    def __str__(self) -> str:
        return str(self.message)


class RunTakenOver(Exception):
    """This attempt no longer owns the run (another attempt claimed it, or it was failed)."""


def _check_request(*, by, scope: ReportScope, period: Period, format: str, language: str) -> None:
    if not has_permission(by, Permission.REQUEST_REPORT):
        raise ActionRefused(_("Your role cannot request portfolio reports."))
    if scope is None or not within_user_scope(scope, by):
        raise ActionRefused(
            _("Choose a scope within your own: you can only report on B/Ds you can see."), field="scope"
        )
    if format not in ReportFormat.values:
        raise ActionRefused(_("Choose PDF or Excel workbook."), field="format")
    if language not in ReportLanguage.values:
        raise ActionRefused(_("Choose English or Traditional Chinese."), field="language")
    if period.last_day < period.first_day:
        raise ActionRefused(_("The period cannot end before it starts."), field="period_end")
    if period.first_day < EARLIEST_PERIOD_START:
        raise ActionRefused(_("The period cannot start before 2015."), field="period_start")
    if period.first_day > timezone.localdate():
        raise ActionRefused(_("The period has not started yet: choose one that has."), field="period_start")
    if period.days > LONGEST_PERIOD_DAYS:
        raise ActionRefused(_("Choose a period of at most five years."), field="period_end")


def _publish(run: ReportRun) -> None:
    from reports.tasks import generate_report as generate_report_task

    generate_report_task.apply_async(
        kwargs={"run_id": run.pk},
        task_id=str(run.task_id),
        queue=settings.TRACKER_REPORTS_QUEUE,
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
    )


def request_report(
    *, by, scope: ReportScope, period: Period, format: str, language: str, schedule_name: str = ""
) -> ReportRun:
    """Record a report run and queue its generation; both happen or neither does."""
    _check_request(by=by, scope=scope, period=period, format=format, language=language)

    def enqueue() -> None:
        try:
            _publish(run)
        except Exception as error:
            logger.warning("Report run %s could not be queued: %s", run.pk, error)
            ReportRun.objects.filter(pk=run.pk).delete()
            raise ReportNotQueued() from error

    with transaction.atomic():
        run = ReportRun.objects.create(
            requested_by=by,
            schedule_name=schedule_name,
            scope_level=scope.level,
            scope_unit=scope.unit,
            period_start=period.first_day,
            period_end=period.last_day,
            format=format,
            language=language,
        )
        transaction.on_commit(enqueue)
    return run


def scheduler_user():
    """The owner of scheduled runs that name no requester (created by seed_reference_data)."""
    from adoption.models import User

    return User.objects.get(username=settings.TRACKER_REPORT_SCHEDULER_USERNAME)


def request_scheduled_report(
    *, schedule_name: str, scope: str, format: str, language: str, requested_by: str = "", today=None
) -> ReportRun:
    """A schedule's run for the last complete quarter, owned by its named requester or the scheduler."""
    from adoption.models import User

    today = today or timezone.localdate()
    period = Period.of_quarter(Quarter.containing(today).previous())
    owner = User.objects.get(username=requested_by) if requested_by else scheduler_user()
    try:
        report_scope = ReportScope.parse(scope)
    except ValueError:
        raise ActionRefused(_("The schedule names an unknown scope: %(scope)s.") % {"scope": scope}) from None
    return request_report(
        by=owner, scope=report_scope, period=period, format=format, language=language, schedule_name=schedule_name
    )


# The worker's side.


class ClaimOutcome:
    CLAIMED = "claimed"
    FINISHED = "finished"  # nothing to do: a redelivered task for a finished run
    BUSY = "busy"  # another attempt is alive: try again after the lease
    MISSING = "missing"


@dataclass
class Claim:
    outcome: str
    run: ReportRun | None = None


def claim_run(*, run_id: int, now=None) -> Claim:
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.TRACKER_REPORT_LEASE_SECONDS)
    claimed = (
        ReportRun.objects.filter(pk=run_id)
        .filter(Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING, heartbeat_at__lt=stale))
        .update(
            status=RunStatus.RUNNING,
            attempt=F("attempt") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            stage_note="",
            error_message="",
        )
    )
    run = ReportRun.objects.select_related("scope_unit", "requested_by").filter(pk=run_id).first()
    if run is None:
        return Claim(ClaimOutcome.MISSING)
    if claimed:
        return Claim(ClaimOutcome.CLAIMED, run)
    if run.is_finished:
        return Claim(ClaimOutcome.FINISHED, run)
    return Claim(ClaimOutcome.BUSY, run)


def _mine(run: ReportRun):
    return ReportRun.objects.filter(pk=run.pk, attempt=run.attempt, status=RunStatus.RUNNING)


def record_progress(run: ReportRun, percent: int, note: str = "") -> None:
    """Progress and a sign of life; raises ``RunTakenOver`` when this attempt lost the run."""
    percent = max(0, min(99, int(percent)))
    if not _mine(run).update(progress=percent, stage_note=note[:200], heartbeat_at=timezone.now()):
        raise RunTakenOver(run.pk)
    run.progress = percent


def finish_run(run: ReportRun, *, path, sha256: str, size: int, project_count: int) -> bool:
    """Store the file under the run's own name and mark it succeeded, if this attempt still owns it."""
    name = run.storage_name()
    with transaction.atomic():
        if not list(_mine(run).select_for_update().values_list("pk", flat=True)):
            return False
        if default_storage.exists(name):
            default_storage.delete(name)  # a partial file of an earlier attempt
        with open(path, "rb") as handle:
            stored = default_storage.save(name, handle)
        _mine(run).update(
            status=RunStatus.SUCCEEDED,
            progress=100,
            stage_note="",
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            file=stored,
            sha256=sha256,
            file_size=size,
            project_count=project_count,
        )
        transaction.on_commit(lambda: notify_requester(run.pk))
    return True


def fail_run(run: ReportRun, message: str) -> bool:
    with transaction.atomic():
        failed = _mine(run).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), stage_note="", error_message=message
        )
        if failed:
            transaction.on_commit(lambda: notify_requester(run.pk))
    return bool(failed)


def sweep_stuck_runs(*, now=None) -> int:
    """Fail runs left "running" past their hard time limit: their worker died or was stopped."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.TRACKER_REPORT_HARD_TIME_LIMIT)
    swept = 0
    for run in ReportRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).only("pk", "language"):
        with translation.override(run.language):
            message = _(
                "The report did not finish within its time limit of %(minutes)s minutes: the worker "
                "producing it stopped or was lost. Please request it again."
            ) % {"minutes": settings.TRACKER_REPORT_HARD_TIME_LIMIT // 60}
        with transaction.atomic():
            updated = ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, started_at__lt=cutoff).update(
                status=RunStatus.FAILED, finished_at=now, stage_note="", error_message=message
            )
            if updated:
                transaction.on_commit(lambda pk=run.pk: notify_requester(pk))
        swept += updated
    if swept:
        logger.warning("Marked %s stuck report run(s) as failed.", swept)
    return swept


def notify_requester(run_id: int) -> bool:
    """E-mail the requester that the run finished, once (a redelivered task does not repeat it)."""
    from reports.services.notifications import send_finished_email

    if not ReportRun.objects.filter(pk=run_id, notified_at__isnull=True).update(notified_at=timezone.now()):
        return False
    run = ReportRun.objects.select_related("requested_by", "scope_unit").get(pk=run_id)
    try:
        send_finished_email(run)
    except Exception:
        logger.exception("Could not e-mail the requester of report run %s.", run_id)
        ReportRun.objects.filter(pk=run_id).update(notified_at=None)
        return False
    return True
