"""Models of the reports app, one module per concern (quarterly returns, report runs)."""

from reports.models.runs import ReportFormat, ReportLanguage, ReportRun, RunStatus

__all__ = ["ReportFormat", "ReportLanguage", "ReportRun", "RunStatus"]
