"""Requesting, claiming, finishing and sweeping report runs, without a worker."""

import socket
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from adoption.choices import ScopeLevel
from lifecycle.errors import ActionRefused
from reports.models import ReportRun, RunStatus
from reports.periods import Period
from reports.scopes import ReportScope
from reports.services import ReportNotQueued, generate_report, request_report, sweep_stuck_runs
from reports.services.runs import ClaimOutcome, RunTakenOver, claim_run, record_progress, request_scheduled_report
from tests.factories import PASSWORD, dpo_officer, management, officer, unit
from tests.report_runs.test_generation import Q1_2026, make_run


def stored_files(run) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / Path(run.storage_name()).parent
    return sorted(folder.glob(f"run-{run.pk}-{run.task_id.hex}*")) if folder.exists() else []


@pytest.mark.django_db
class TestRequest:
    def test_refuses_a_scope_outside_the_users(self):
        sb = management("SB", ScopeLevel.UNIT_TREE)
        for scope in (ReportScope.all(), ReportScope.tree(unit("EEB")), ReportScope.single(unit("FEHD"))):
            with pytest.raises(ActionRefused) as refused:
                request_report(by=sb, scope=scope, period=Q1_2026, format="pdf", language="en")
            assert refused.value.field == "scope"
        assert not ReportRun.objects.exists()

    def test_an_officer_may_ask_for_their_own_bd_only(self):
        immd = officer("ImmD")
        with pytest.raises(ActionRefused):
            request_report(by=immd, scope=ReportScope.tree(unit("SB")), period=Q1_2026, format="pdf", language="en")

    def test_queues_the_run_on_commit(self, django_capture_on_commit_callbacks, portfolio):
        dpo = portfolio["people"]["dpo"]
        with django_capture_on_commit_callbacks() as callbacks:
            run = request_report(by=dpo, scope=ReportScope.all(), period=Q1_2026, format="xlsx", language="zh-hant")
        assert run.status == RunStatus.QUEUED
        assert len(callbacks) == 1  # nothing is queued before the run is committed
        callbacks[0]()  # eager in tests: the task runs here
        run.refresh_from_db()
        assert run.status == RunStatus.SUCCEEDED

    def test_a_schedule_reports_on_the_last_complete_quarter_as_the_scheduler(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False):
            run = request_scheduled_report(
                schedule_name="Quarterly portfolio report: SB",
                scope="tree:SB",
                format="pdf",
                language="en",
                today=timezone.localdate().replace(year=2026, month=4, day=1),
            )
        assert (run.period_start, run.period_end) == (Q1_2026.first_day, Q1_2026.last_day)
        assert run.requested_by.username == settings.TRACKER_REPORT_SCHEDULER_USERNAME
        assert not run.requested_by.has_usable_password()
        assert run.schedule_name == "Quarterly portfolio report: SB"


@pytest.mark.django_db
class TestIdempotency:
    def test_a_redelivered_task_for_a_finished_run_does_nothing(self, portfolio, django_capture_on_commit_callbacks):
        run = make_run(portfolio["people"]["dpo"], ReportScope.all(), format="xlsx", language="en")
        with django_capture_on_commit_callbacks(execute=True):
            assert generate_report(run_id=run.pk) == ClaimOutcome.CLAIMED
        run.refresh_from_db()
        first = (run.file.name, run.sha256, run.attempt, run.finished_at)
        with django_capture_on_commit_callbacks(execute=True):
            assert generate_report(run_id=run.pk) == ClaimOutcome.FINISHED
        run.refresh_from_db()
        assert (run.file.name, run.sha256, run.attempt, run.finished_at) == first
        assert len(stored_files(run)) == 1
        assert len(mail.outbox) == 1  # the requester hears once

    def test_a_run_whose_worker_died_is_taken_over_and_its_partial_file_replaced(self, portfolio):
        run = make_run(portfolio["people"]["dpo"], ReportScope.all(), format="pdf", language="en")
        long_ago = timezone.now() - timedelta(seconds=settings.TRACKER_REPORT_LEASE_SECONDS + 5)
        ReportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING, attempt=1, progress=40, started_at=long_ago, heartbeat_at=long_ago
        )
        default_storage.save(run.storage_name(), ContentFile(b"half a PDF"))
        assert generate_report(run_id=run.pk) == ClaimOutcome.CLAIMED
        run.refresh_from_db()
        assert (run.status, run.attempt, run.progress) == (RunStatus.SUCCEEDED, 2, 100)
        files = stored_files(run)
        assert len(files) == 1
        assert files[0].read_bytes().startswith(b"%PDF")
        assert files[0].name == Path(run.file.name).name

    def test_a_duplicate_task_leaves_a_live_run_alone(self, portfolio):
        run = make_run(portfolio["people"]["dpo"], ReportScope.all(), format="pdf", language="en")
        ReportRun.objects.filter(pk=run.pk).update(
            status=RunStatus.RUNNING, attempt=1, progress=40, started_at=timezone.now(), heartbeat_at=timezone.now()
        )
        assert generate_report(run_id=run.pk) == ClaimOutcome.BUSY
        run.refresh_from_db()
        assert (run.status, run.attempt, run.progress) == (RunStatus.RUNNING, 1, 40)

    def test_an_attempt_that_lost_the_run_stops_reporting(self, portfolio):
        run = make_run(portfolio["people"]["dpo"], ReportScope.all(), format="pdf", language="en")
        mine = claim_run(run_id=run.pk).run
        record_progress(mine, 30, "Pipeline")
        ReportRun.objects.filter(pk=run.pk).update(attempt=2)  # another worker claimed it
        with pytest.raises(RunTakenOver):
            record_progress(mine, 40, "Cycle times")
        run.refresh_from_db()
        assert run.progress == 30

    def test_a_missing_run_is_nothing_to_do(self):
        assert generate_report(run_id=987654321) == ClaimOutcome.MISSING


@pytest.mark.django_db
def test_the_sweeper_fails_runs_stuck_past_their_hard_limit(django_capture_on_commit_callbacks):
    dpo = dpo_officer()
    stuck = make_run(dpo, ReportScope.all(), format="pdf", language="zh-hant")
    live = make_run(dpo, ReportScope.all(), format="pdf", language="en")
    past_limit = timezone.now() - timedelta(seconds=settings.TRACKER_REPORT_HARD_TIME_LIMIT + 60)
    ReportRun.objects.filter(pk=stuck.pk).update(status=RunStatus.RUNNING, started_at=past_limit, attempt=1)
    ReportRun.objects.filter(pk=live.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), attempt=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stuck_runs() == 1
    stuck.refresh_from_db()
    live.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert "時限" in stuck.error_message  # in the run's language
    assert stuck.finished_at is not None
    assert live.status == RunStatus.RUNNING
    assert sweep_stuck_runs() == 0
    assert len(mail.outbox) == 1


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_down():
    """A real (not eager) broker on a port where nothing listens."""
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    app._after_fork()  # forget pooled connections to the old broker
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._after_fork()


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_request_says_so_and_leaves_no_run(transactional_db, client, broker_down):
    user = dpo_officer()
    assert client.login(username=user.username, password=PASSWORD)
    form = {"scope": "all", "period_kind": "quarter", "quarter": Period.quarter(2026, 1).code, "format": "pdf"}
    response = client.post(reverse("report_runs:run_request"), {**form, "language": "en"})
    assert response.status_code == 503
    assert "could not be queued" in response.text
    assert not ReportRun.objects.exists()
    with pytest.raises(ReportNotQueued):
        request_report(by=user, scope=ReportScope.all(), period=Q1_2026, format="pdf", language="en")
    assert not ReportRun.objects.exists()
    # The rest of the site keeps working.
    assert client.get(reverse("adoption:project_list")).status_code == 200
    assert client.get(reverse("report_runs:run_list")).status_code == 200
