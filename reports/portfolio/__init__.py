"""The one query layer for portfolio figures: the dashboard, portfolio reports and quarterly returns use it.

``portfolio_figures(projects, as_of=..., period=...)`` computes every figure of a scoped and
filtered project queryset as plain data (``reports.portfolio.figures``), callable without a
request; ``dashboard_figures`` adds the per-scope cache the dashboard uses.
"""

from reports.portfolio.compute import QUERIES, QUERIES_AT_A_PAST_MOMENT, portfolio_figures
from reports.portfolio.figures import (
    BenefitFigures,
    Benefits,
    CycleTime,
    PortfolioFigures,
    ProjectLine,
    QuarterChanges,
    Unit,
    UnitFigures,
)

__all__ = [
    "QUERIES",
    "QUERIES_AT_A_PAST_MOMENT",
    "BenefitFigures",
    "Benefits",
    "CycleTime",
    "PortfolioFigures",
    "ProjectLine",
    "QuarterChanges",
    "Unit",
    "UnitFigures",
    "portfolio_figures",
]
