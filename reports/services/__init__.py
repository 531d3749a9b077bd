"""Portfolio report runs: requesting, generating, sweeping. Views, tasks and schedules call these."""

from reports.services.generation import generate_report
from reports.services.runs import (
    ReportNotQueued,
    request_report,
    request_scheduled_report,
    sweep_stuck_runs,
)

__all__ = [
    "ReportNotQueued",
    "generate_report",
    "request_report",
    "request_scheduled_report",
    "sweep_stuck_runs",
]
