"""A real Celery worker on Redis, sharing the test's PostgreSQL database.

The worker is a subprocess (``celery -A config worker``) given the test database's URL, its
own queue and the test's media folder; the test is transactional so the worker sees its rows.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from reports.models import ReportRun, RunStatus
from reports.scopes import ReportScope
from reports.services import request_report
from tests.report_runs.test_generation import Q1_2026, make_run

pytestmark = [pytest.mark.postgres, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
WAIT = 120  # seconds: generous on a busy two-core machine


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def queue(settings):
    name = f"tracker-reports-test-{uuid.uuid4().hex[:12]}"
    settings.TRACKER_REPORTS_QUEUE = name
    return name


@pytest.fixture
def key_prefix(queue):
    return f"{queue}:"


@pytest.fixture
def real_broker(key_prefix):
    """Publish to Redis for real (the test settings run tasks eagerly), under the test's key prefix."""
    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = {**saved[1], "global_keyprefix": key_prefix}
    app._after_fork()
    yield app
    app.conf.task_always_eager, app.conf.broker_transport_options = saved
    app._after_fork()


@pytest.fixture
def start_worker(queue, key_prefix, tmp_path):
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TRACKER_TEST_MEDIA_ROOT": str(tmp_path),
        "TRACKER_REPORT_SECTION_PAUSE_SECONDS": "1",  # slow enough to be killed mid-way
        "TRACKER_REPORT_LEASE_SECONDS": "3",
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "CELERY_REDIS_KEY_PREFIX": key_prefix,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def start(name: str) -> subprocess.Popen:
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--queues",
                queue,
                "--concurrency",
                "1",
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killing it kills its pool too
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)


def wait_for(condition, what: str, logs: Path):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    output = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in sorted(logs.glob("*.log")))
    raise AssertionError(f"timed out waiting for {what}\n{output}")


def test_a_report_whose_worker_is_killed_completes_exactly_once(
    transactional_db, portfolio, real_broker, start_worker, tmp_path
):
    first = start_worker("first")
    run = request_report(
        by=portfolio["people"]["dpo"], scope=ReportScope.all(), period=Q1_2026, format="pdf", language="zh-hant"
    )

    def running_midway():
        current = ReportRun.objects.get(pk=run.pk)
        return current.status == RunStatus.RUNNING and current.progress >= 15

    wait_for(running_midway, "the run to be under way", tmp_path)
    os.killpg(first.pid, signal.SIGKILL)  # the whole worker dies, its pool with it
    first.wait(timeout=30)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert run.attempt == 1

    start_worker("second")
    wait_for(lambda: ReportRun.objects.get(pk=run.pk).is_finished, "the run to finish", tmp_path)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error_message
    assert run.progress == 100
    assert run.attempt == 2  # claimed once more after the first worker died, and only once
    assert ReportRun.objects.count() == 1
    files = [path for path in tmp_path.rglob("run-*") if path.is_file()]
    assert [path.name for path in files] == [Path(run.file.name).name]
    assert files[0].read_bytes().startswith(b"%PDF")
    time.sleep(3)  # a late duplicate delivery would show up now
    run.refresh_from_db()
    assert (run.status, run.attempt) == (RunStatus.SUCCEEDED, 2)
    assert len([path for path in tmp_path.rglob("run-*") if path.is_file()]) == 1


def test_the_sweeper_fails_a_run_stuck_past_its_hard_limit(
    transactional_db, real_broker, start_worker, queue, tmp_path, portfolio
):
    from reports.tasks import sweep_stuck_reports

    stuck = make_run(portfolio["people"]["dpo"], ReportScope.all(), format="pdf", language="en")
    started = timezone.now() - timedelta(seconds=settings.TRACKER_REPORT_HARD_TIME_LIMIT + 60)
    ReportRun.objects.filter(pk=stuck.pk).update(
        status=RunStatus.RUNNING, attempt=1, progress=40, started_at=started, heartbeat_at=started
    )
    start_worker("sweeper")
    sweep_stuck_reports.apply_async(queue=queue)
    wait_for(lambda: ReportRun.objects.get(pk=stuck.pk).is_finished, "the sweeper", tmp_path)
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert "time limit" in stuck.error_message
