"""The shared project filters the dashboard adds: quarter, segment, severity, stage changes, gates
passed, registrations. The drill-down links of the dashboard rely on them."""

from datetime import date

import pytest
from django.http import QueryDict

from adoption.filters import ProjectFilter
from adoption.models import Project
from adoption.quarters import Quarter, QuarterError
from tests.reports.conftest import at

pytestmark = pytest.mark.django_db


def titles(query: str) -> set[str]:
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    assert not filterset.errors, filterset.errors
    return set(filterset.qs.values_list("title_en", flat=True))


def errors(query: str) -> dict:
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    filterset.qs.count()  # a bad value never breaks the query
    return filterset.errors


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("2026Q3", Quarter(2026, 3)),
        ("2026-Q1", Quarter(2026, 1)),
        (" 2025q4 ", Quarter(2025, 4)),
        ("２０２６Q3", Quarter(2026, 3)),  # full-width digits, as a Chinese input method may type them
    ],
)
def test_quarter_parses(text, quarter):
    assert Quarter.parse(text) == quarter


@pytest.mark.parametrize("text", ["", "2026", "2026Q5", "Q3 2026", "1999Q1", "2026Q3; drop table", "2026Q3\n2026Q4"])
def test_quarter_refuses_what_is_not_one(text):
    with pytest.raises(QuarterError):
        Quarter.parse(text)


def test_quarter_boundaries_are_hong_kong_time():
    quarter = Quarter(2026, 3)
    assert (quarter.first_day, quarter.last_day) == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter.start == at(7, 1, hour=0)
    assert quarter.end == at(10, 1, hour=0)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert [str(q) for q in Quarter(2026, 2).preceding(3)] == ["2025Q4", "2026Q1", "2026Q2"]
    assert Quarter.containing(at(9, 30, hour=23)) == quarter
    assert Quarter.containing(at(10, 1, hour=0)) == Quarter(2026, 4)


def test_quarter_labels_in_both_languages():
    from django.utils import translation

    assert Quarter(2026, 3).label == "2026 Q3"
    with translation.override("zh-hant"):
        assert Quarter(2026, 3).label == "2026年第3季"


def test_segments_stages_and_quarters(portfolio, now):
    assert titles("segment=stalled") == {"p1", "p8", "p9"}
    assert titles("segment=stalled&segment=in_pilot") == {"p9"}  # all of them
    assert titles("segment=in_operation&segment=periodic_review_overdue") == {"p7"}
    assert titles("stage=vendor_selection&stage=search") == {"p1", "p8", "p5"}
    assert titles("quarter=2026Q2&stage=search") == {"p5"}
    assert titles("quarter=2026Q1&stage=search") == {"p8"}  # back in search for rework at the end of March
    assert titles("quarter=2026Q2&segment=stalled") == {"p9"}
    assert titles("quarter=2026Q2&severity=low") == {"p7"}
    assert titles("severity=low") == set()
    assert titles("severity=high&severity=low") == {"p6"}
    assert len(titles("quarter=2026Q2")) == 8  # registered by the end of June
    assert len(titles("quarter=2026Q3")) == 9  # the current quarter: now


def test_stage_changes_gates_and_registrations(portfolio, now):
    assert titles("moved=reworked") == {"p8"}
    assert titles("moved=cancelled&moved_in=2026Q2") == {"p4"}
    assert titles("moved=cancelled&moved_in=2026Q1") == set()
    assert titles("moved=held&quarter=2026Q1") == {"p3"}
    assert titles("passed_gate=vendor_selection") == {"p2", "p7", "p9"}
    assert titles("passed_gate=search&quarter=2026Q2") == {"p8"}
    assert titles("passed_gate=deploy_improve") == {"p2", "p7"}
    assert titles("passed_gate=deploy_improve&quarter=2026Q2") == {"p2"}
    assert titles("registered_in=2026Q3") == {"p6"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("quarter=2026Q9", "quarter"),
        ("quarter=nonsense", "quarter"),
        ("quarter=2099Q1", "quarter"),  # has not begun
        ("segment=everything", "segment"),
        ("severity=apocalyptic", "severity"),
        ("moved=sideways", "moved"),
        ("moved_in=last", "moved_in"),
        ("passed_gate=on_hold", "passed_gate"),
        ("stage=nowhere", "stage"),
        ("bd=NOPE", "bd"),
        ("bureau=ImmD", "bureau"),  # a department is not a bureau
    ],
)
def test_a_bad_value_is_an_error_and_is_ignored(portfolio, now, query, field):
    assert field in errors(query)
    filterset = ProjectFilter(QueryDict(query), queryset=Project.objects.all())
    assert filterset.qs.count() == 9
