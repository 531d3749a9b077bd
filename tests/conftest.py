"""Shared fixtures. Tests needing PostgreSQL, Redis or a Celery worker are marked; without the
service they are skipped locally and fail in CI (``CI=true``)."""

import os
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() == "true"


def _redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _missing(item) -> str | None:
    if (
        item.get_closest_marker("postgres")
        and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL (set DATABASE_URL=postgres://…)"
    if (item.get_closest_marker("redis") or item.get_closest_marker("celery_worker")) and not _redis_reachable():
        return "needs Redis (set REDIS_URL=redis://…)"
    return None


def pytest_configure(config):
    """Compile the translations when the catalogue is newer than its compiled form (once, not per xdist worker)."""
    if hasattr(config, "workerinput"):
        return
    root = Path(__file__).resolve().parent.parent
    for po in root.glob("locale/*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if shutil.which("msgfmt") and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)


def pytest_runtest_setup(item):
    reason = _missing(item)
    if reason:
        if IN_CI:
            pytest.fail(f"{item.nodeid} {reason}: required in CI", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the reference data: B/Ds, catalogue, checklist v1."""
    with django_db_blocker.unblock():
        call_command("seed_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (live server, real connections) flush every table when they end,
    reference data included: give each one its reference data back."""
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))
    if marked or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        call_command("seed_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture(autouse=True)
def _english_by_default():
    from django.utils import translation

    with translation.override("en"):
        yield
