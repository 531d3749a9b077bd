"""Producing a run's file: claim the run, build the report, render it, store it once."""

import hashlib
import logging
import os
import tempfile
import time
import uuid

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reports.models import ReportFormat
from reports.portfolio_report.content import PortfolioReport
from reports.services.runs import ClaimOutcome, RunTakenOver, claim_run, fail_run, finish_run, record_progress

logger = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 10  # well inside TRACKER_REPORT_LEASE_SECONDS


def _sha256(path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def generate_report(*, run_id: int) -> str:
    """Work one run to the end. Returns the claim outcome: ``claimed`` when this call did the work,
    ``finished`` / ``missing`` when there was nothing to do, ``busy`` when another attempt is alive."""
    from reports.portfolio_report.pdf import render_pdf
    from reports.portfolio_report.xlsx import render_xlsx

    claim = claim_run(run_id=run_id)
    if claim.outcome != ClaimOutcome.CLAIMED:
        logger.info("Report run %s: nothing to do (%s).", run_id, claim.outcome)
        return claim.outcome
    run = claim.run
    pause = getattr(settings, "TRACKER_REPORT_SECTION_PAUSE_SECONDS", 0)
    handle, path = tempfile.mkstemp(prefix=f"report-{run.pk}-", suffix=f".{run.format}")
    os.close(handle)

    last = {"percent": -1, "at": 0.0}

    def progress(fraction: float, note: str) -> None:
        """Progress and heartbeat: written when the percentage moves, or every few seconds at least."""
        percent = round(fraction * 100)
        if percent == last["percent"] and time.monotonic() - last["at"] < HEARTBEAT_SECONDS:
            return
        record_progress(run, percent, str(note))
        last.update(percent=percent, at=time.monotonic())
        if pause:
            time.sleep(pause)  # tests only: gives a worker test time to kill a run mid-way

    try:
        with translation.override(run.language):
            report = PortfolioReport(run)
            progress(0.01, _("Counting the projects in scope"))
            project_count = report.project_count()
            if run.format == ReportFormat.PDF:
                render_pdf(report, path, progress=progress)
            else:
                render_xlsx(report, path, progress=progress)
            sha256, size = _sha256(path)
            if not finish_run(run, path=path, sha256=sha256, size=size, project_count=project_count):
                raise RunTakenOver(run.pk)
        logger.info("Report run %s succeeded (attempt %s, %s bytes).", run.pk, run.attempt, size)
    except RunTakenOver:
        logger.warning("Report run %s: attempt %s lost the run to another; stopping.", run.pk, run.attempt)
    except SoftTimeLimitExceeded:
        with translation.override(run.language):
            fail_run(
                run,
                _("The report took longer than its time limit of %(minutes)s minutes. Try a smaller scope or period.")
                % {"minutes": settings.TRACKER_REPORT_SOFT_TIME_LIMIT // 60},
            )
    except Exception:
        reference = uuid.uuid4().hex[:8]
        logger.exception("Report run %s failed (reference %s).", run.pk, reference)
        with translation.override(run.language):
            fail_run(
                run,
                _(
                    "The report could not be produced because of an error on our side (reference %(reference)s). "
                    "The support team can look it up; please try again later."
                )
                % {"reference": reference},
            )
    finally:
        if os.path.exists(path):
            os.remove(path)
    return ClaimOutcome.CLAIMED
