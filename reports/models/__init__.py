"""Models of the reports app, one module per concern (quarterly returns, report runs)."""

from reports.models.imports import ImportBatch, ImportStatus  # noqa: F401
from reports.models.returns import (  # noqa: F401
    BDReturn,
    FrozenLineError,
    LineRemark,
    ReturnAction,
    ReturnEvent,
    ReturnLine,
    ReturnReminder,
    ReturnReminderKind,
    ReturnRound,
    ReturnStatus,
)
from reports.models.runs import ReportFormat, ReportLanguage, ReportRun, RunStatus  # noqa: F401
