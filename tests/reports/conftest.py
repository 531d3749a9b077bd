"""A known portfolio, built through the services with the clock moved by time-machine.

Nine projects in four B/Ds: ImmD and HKPF (Security Bureau), FEHD (Environment and Ecology
Bureau) and DoJ (under no bureau). "Now" is 15 August 2026, 10:00 Hong Kong time; every
step happens at 10:00, so the days between steps are whole days. The expected figures are
worked out by hand in the tests, from the story below.

| project | B/D  | story |
|---------|------|-------|
| p1      | ImmD | registered 5 Jan; identify gate 25 Jan (20 d); search gate 6 Mar (40 d); in vendor selection since |
| p2      | ImmD | catalogue solution (HKGAI-HKCHAT); gates 4 Feb (30), 24 Feb (20), 26 Mar (30), 25 May (60); operation 4 Jun (10); review 1 Jul realises 800 h, HK$50,000 |
| p3      | HKPF | registered 1 Feb; identify gate 11 Feb (10); on hold 1 Mar |
| p4      | HKPF | registered 1 Mar; cancelled 1 Apr |
| p5      | FEHD | registered 10 Jan; identify gate 10 May (120); gate review requested 1 Aug, waiting |
| p6      | DoJ  | registered 1 Jul, unscreened; high-severity incident opened 10 Jul, open |
| p7      | ImmD | high risk; gates 6 Jan (1), 8 Jan (2), 10 Jan (2), 20 Jan (10); operation 30 Jan (10); review due 30 Jul, overdue; low incident 1 May – 5 Jul |
| p8      | ImmD | identify gate 15 Jan (10); search gate 14 Feb (30); returned to search 16 Mar; search gate 15 Apr (30); in vendor selection since |
| p9      | HKPF | gates 6 Jan (1), 8 Jan (2), 12 Jan (4); in test and validate since |
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction

from adoption.models import CatalogueSolution
from adoption.portfolio import VERSION_KEY
from lifecycle.services import (
    cancel_project,
    close_incident,
    hold_project,
    open_incident,
    record_periodic_review,
    request_gate_review,
    return_gate_review,
)
from tests.factories import approver, complete_stage, make_project, officer, pass_gate, screen

HK = ZoneInfo("Asia/Hong_Kong")


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=HK)


NOW = at(8, 15)


@dataclass
class Portfolio:
    people: dict
    projects: dict

    def __getitem__(self, name):
        return self.projects[name]


def build_portfolio() -> Portfolio:
    people = {code: {"officer": officer(code), "approver": approver(code)} for code in ("ImmD", "HKPF", "FEHD", "DoJ")}
    projects = {}

    def travel(when):
        return time_machine.travel(when, tick=False)

    def new(name, code, when, **fields):
        with travel(when):
            projects[name] = make_project(
                by=people[code]["officer"], title_en=name, title_zh_hant=f"項目{name}", **fields
            )
        return projects[name]

    def gate(name, when):
        project = projects[name]
        people_of = people[project.bd.code]
        with travel(when):
            projects[name] = pass_gate(project, officer_user=people_of["officer"], approver_user=people_of["approver"])

    new("p1", "ImmD", at(1, 5), expected_staff_hours_per_year=1000, expected_cost_saving_hkd_per_year=100000,
        target_vendor_selection_date=date(2026, 9, 1))  # fmt: skip
    gate("p1", at(1, 25))
    gate("p1", at(3, 6))

    new("p2", "ImmD", at(1, 5), strategy="off_the_shelf", category="chatbot",
        catalogue_solution=CatalogueSolution.objects.get(code="HKGAI-HKCHAT"),
        expected_staff_hours_per_year=1200, expected_cost_saving_hkd_per_year=80000)  # fmt: skip
    for when in (at(2, 4), at(2, 24), at(3, 26), at(5, 25), at(6, 4)):
        gate("p2", when)
    with travel(at(7, 1)):
        record_periodic_review(
            project=projects["p2"],
            by=people["ImmD"]["approver"],
            review_date=date(2026, 7, 1),
            kpi_results="Queries answered within a minute.",
            outcome="met",
            decision="continue",
            realised_staff_hours_per_year=800,
            realised_cost_saving_hkd_per_year=50000,
        )

    new("p3", "HKPF", at(2, 1), expected_staff_hours_per_year=300)
    gate("p3", at(2, 11))
    with travel(at(3, 1)):
        hold_project(project=projects["p3"], by=people["HKPF"]["officer"], reason="Waiting for funding.")

    new("p4", "HKPF", at(3, 1))
    with travel(at(4, 1)):
        cancel_project(project=projects["p4"], by=people["HKPF"]["officer"], reason="Duplicates another project.")

    new("p5", "FEHD", at(1, 10), expected_staff_hours_per_year=200, target_search_date=date(2026, 12, 31))
    gate("p5", at(5, 10))
    with travel(at(8, 1)):
        complete_stage(projects["p5"], people["FEHD"]["officer"])
        request_gate_review(project=projects["p5"], by=people["FEHD"]["officer"])

    new("p6", "DoJ", at(7, 1), strategy="hybrid")
    with travel(at(7, 10)):
        open_incident(
            project=projects["p6"],
            by=people["DoJ"]["officer"],
            kind="anomaly",
            severity="high",
            title="Wrong answers",
            description="The pilot gave wrong answers.",
            occurred_at=at(7, 9),
        )

    new("p7", "ImmD", at(1, 5), expected_staff_hours_per_year=500)
    with travel(at(1, 5)):
        screen(projects["p7"], people["ImmD"]["officer"], decides_on_individuals=True)
        projects["p7"].refresh_from_db()
    for when in (at(1, 6), at(1, 8), at(1, 10), at(1, 20), at(1, 30)):
        gate("p7", when)
    with travel(at(5, 1)):
        incident = open_incident(
            project=projects["p7"],
            by=people["ImmD"]["officer"],
            kind="anomaly",
            severity="low",
            title="Slow responses",
            description="Responses took minutes.",
            occurred_at=at(4, 30),
        )
    with travel(at(7, 5)):
        close_incident(incident=incident, by=people["ImmD"]["officer"], resolution="Capacity added.")

    new("p8", "ImmD", at(1, 5), expected_staff_hours_per_year=400, expected_cost_saving_hkd_per_year=20000)
    gate("p8", at(1, 15))
    gate("p8", at(2, 14))
    with travel(at(3, 16)):
        complete_stage(projects["p8"], people["ImmD"]["officer"])
        review = request_gate_review(project=projects["p8"], by=people["ImmD"]["officer"])
        return_gate_review(
            review=review, by=people["ImmD"]["approver"], comment="Compare more vendors.", rework_to_stage="search"
        )
    gate("p8", at(4, 15))

    new("p9", "HKPF", at(1, 5), category="image_analytics", expected_staff_hours_per_year=600,
        expected_cost_saving_hkd_per_year=60000, target_test_validate_date=date(2026, 6, 30))  # fmt: skip
    for when in (at(1, 6), at(1, 8), at(1, 12)):
        gate("p9", when)

    for project in projects.values():
        project.refresh_from_db()
    return Portfolio(people=people, projects=projects)


@pytest.fixture(scope="module")
def portfolio(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_portfolio()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_figures():
    """Cached figures must not outlive the test and its rolled-back data: a new portfolio version
    per test makes them unreachable. Charts are kept: they are cached by their content."""
    cache.set(VERSION_KEY, cache.get(VERSION_KEY, 0) + 1000, timeout=None)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _sketch(categories=(), series=(), rows=(), **_spec) -> str:
    """A stand-in for matplotlib's drawing: the chart's labels and links, without the geometry."""
    from xml.sax.saxutils import escape, quoteattr

    from reports.charts import Series, Spread

    parts = ['<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" aria-hidden="true" focusable="false">']
    parts += [f"<text>{escape(label)}</text>" for label in categories]
    for item in series:
        item = Series(**item) if isinstance(item, dict) else item
        parts.append(f"<text>{escape(item.label)}</text>")
        parts += [f'<a href={quoteattr(url)} tabindex="-1"><rect/></a>' for url in item.urls if url]
    for row in rows:
        row = Spread(**row) if isinstance(row, dict) else row
        parts.append(f"<text>{escape(row.label)}</text>")
    return "".join([*parts, "</svg>"])


@pytest.fixture
def sketched_charts(monkeypatch):
    """Page tests skip matplotlib's slow drawing (tests/reports/test_charts.py draws for real)."""
    monkeypatch.setattr("reports.charts.CHART_VERSION", "sketch")  # never mistaken for a real drawing
    monkeypatch.setattr("reports.charts._draw_bars", _sketch)
    monkeypatch.setattr("reports.charts._draw_spread", lambda rows, *args: _sketch(rows=rows))
