"""Portfolio reports: time and peak memory of the PDF and the XLSX for every demo project.

    python -m benchmarks.reports [--projects 100000]

Each format is generated in a subprocess of its own, so each peak resident set size is that
format's alone (Django set-up included). Targets: each ≤ 60 s and ≤ 1 GiB peak RSS.
"""

import json
import os
import subprocess
import sys
import time

from benchmarks.common import Report, arguments, ensure_demo, peak_rss_mb, require_postgres, setup_django

TARGET_SECONDS = 60
TARGET_RSS_MB = 1024


def generate_one(format: str) -> dict:
    """In the child process: one report of every project, all B/Ds, in Chinese."""
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from adoption.quarters import Quarter
    from reports.models import ReportRun, RunStatus
    from reports.services import generate_report
    from reports.services.runs import scheduler_user

    # The current quarter up to today: every project registered so far is in the report.
    run = ReportRun.objects.create(
        requested_by=scheduler_user(),
        scope_level="all",
        period_start=Quarter.current().first_day,
        period_end=timezone.localdate(),
        format=format,
        language="zh-hant",
    )
    started = time.perf_counter()
    generate_report(run_id=run.pk)
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    result = {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "status": run.status,
        "error": run.error_message,
        "bytes": run.file_size,
        "projects": run.project_count,
    }
    if run.status == RunStatus.SUCCEEDED:
        default_storage.delete(run.file.name)
    ReportRun.objects.filter(pk=run.pk).delete()
    return result


def main() -> None:
    args = arguments(
        "Time and peak memory of the portfolio report (PDF and XLSX) for every demo project.",
        child={"choices": ["pdf", "xlsx"], "help": "internal: generate one format in this process"},
    )
    setup_django()
    require_postgres()
    if args.child:
        print(json.dumps(generate_one(args.child)), flush=True)
        return
    ensure_demo(args.projects)
    report = Report("reports")
    for format in ("pdf", "xlsx"):
        child = subprocess.run(
            [sys.executable, "-m", "benchmarks.reports", "--child", format, "--projects", str(args.projects)],
            capture_output=True,
            text=True,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
            check=False,
        )
        lines = [line for line in child.stdout.splitlines() if line.startswith("{")]
        if child.returncode or not lines:
            sys.exit(f"{format}: the report process failed\n{child.stdout[-2000:]}\n{child.stderr[-4000:]}")
        result = json.loads(lines[-1])
        if result["status"] != "succeeded":
            sys.exit(f"{format}: the report failed: {result['error']}")
        # The machine is shared: the load average says how busy it was while this format was made.
        extra = {"projects": result["projects"], "bytes": result["bytes"], "load_average": os.getloadavg()[0]}
        report.emit(f"{format}_seconds", result["seconds"], "s", TARGET_SECONDS, **extra)
        report.emit(f"{format}_peak_rss", result["peak_rss_mb"], "MB", TARGET_RSS_MB, **extra)
    report.finish()


if __name__ == "__main__":
    main()
