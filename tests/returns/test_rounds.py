"""Opening a round freezes the quarter as it stood at its end; the lines never change."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from adoption.quarters import Quarter
from lifecycle.errors import ActionRefused
from lifecycle.services import resume_project
from reports.models import FrozenLineError, ReturnLine, ReturnRound
from reports.returns.services import open_previous_quarter_round, open_round
from tests.factories import dpo_officer, pass_gate
from tests.returns.conftest import at

pytestmark = pytest.mark.django_db


def lines_by_code(round_):
    return {line.code: line for line in round_.lines.all()}


def test_a_round_holds_every_project_active_in_the_quarter_as_at_its_end(people, portfolio):
    dpo = dpo_officer()
    with at(2026, 10, 20, 9):
        round_ = open_round(quarter="2026Q3", by=dpo)
    lines = lines_by_code(round_)
    assert set(lines) == {"ImmD-2026-0001", "ImmD-2026-0003", "ImmD-2026-0004", "FEHD-2026-0001"}
    assert round_.line_count == 4
    assert {r.bd_code: r.line_count for r in round_.returns.all()} == {"ImmD": 3, "FEHD": 1}

    moved = lines["ImmD-2026-0001"]
    assert (moved.stage_at_quarter_start, moved.stage) == ("identify", "search")
    assert moved.is_moved
    assert not moved.is_new
    assert not moved.is_closed
    assert moved.stage_moves == [["2026-08-03", "identify", "search"]]
    assert str(moved.stage_entered_on) == "2026-08-03"
    assert moved.budget_hkd == 1000

    new = lines["ImmD-2026-0004"]
    assert new.is_new
    assert not new.is_moved
    assert new.stage_at_quarter_start == ""
    assert new.is_slipped
    assert new.slipped_dates == {"target_identify_date": ["2026-09-01", "2026-11-30"]}
    assert str(new.current_target_date) == "2026-11-30"

    assert lines["ImmD-2026-0003"].is_closed
    assert lines["ImmD-2026-0003"].stage == "cancelled"
    assert lines["FEHD-2026-0001"].stage == "on_hold"
    assert lines["FEHD-2026-0001"].is_moved


def test_the_stage_comes_from_history_not_from_today(people, portfolio):
    with at(2026, 10, 10, 9):
        pass_gate(portfolio["moved"], officer_user=people["officer"], approver_user=people["approver"])
        resume_project(project=portfolio["fehd"], by=people["fehd_officer"], reason="Budget approved")
    with at(2026, 10, 20, 9):
        round_ = open_round(quarter=Quarter(2026, 3))
    lines = lines_by_code(round_)
    assert lines["ImmD-2026-0001"].stage == "search"
    assert lines["FEHD-2026-0001"].stage == "on_hold"


def test_a_round_opens_only_once_only_after_its_quarter_and_only_by_dpo(people, portfolio):
    with at(2026, 9, 30, 23), pytest.raises(ActionRefused, match="has not ended"):
        open_round(quarter="2026Q3", by=dpo_officer())
    with at(2026, 10, 20, 9), pytest.raises(ActionRefused, match="Only DPO officers"):
        open_round(quarter="2026Q3", by=people["approver"])
    with at(2026, 10, 20, 9):
        open_round(quarter="2026Q3")
        with pytest.raises(ActionRefused, match="already open"):
            open_round(quarter="2026Q3", by=dpo_officer())
    assert ReturnRound.objects.count() == 1


def test_the_schedule_opens_the_last_ended_quarter_once(portfolio):
    with at(2026, 10, 1, 1):
        first = open_previous_quarter_round()
        again = open_previous_quarter_round()
    assert first.quarter == "2026Q3"
    assert again is None
    assert str(first.due_date) == "2026-10-30"


def test_lines_cannot_be_changed_or_deleted(portfolio):
    with at(2026, 10, 20, 9):
        round_ = open_round(quarter="2026Q3")
    line = round_.lines.first()
    line.title_en = "Changed"
    with pytest.raises(FrozenLineError):
        line.save()
    with pytest.raises(FrozenLineError):
        line.delete()
    with pytest.raises(FrozenLineError):
        ReturnLine.objects.filter(pk=line.pk).update(title_en="Changed")
    with pytest.raises(FrozenLineError):
        ReturnLine.objects.filter(pk=line.pk).delete()


@pytest.mark.postgres
def test_postgresql_refuses_changes_to_lines(portfolio):
    with at(2026, 10, 20, 9):
        round_ = open_round(quarter="2026Q3")
    line = round_.lines.first()
    for statement in (
        "UPDATE reports_returnline SET title_en = 'x' WHERE id = %s",
        "DELETE FROM reports_returnline WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [line.pk])
