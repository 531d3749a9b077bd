"""A small portfolio with a history in 2026: the third quarter (2026Q3) is the one returned."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from adoption.services import update_project
from lifecycle.services import cancel_project, hold_project
from tests.factories import approver, make_project, officer, pass_gate

HK = ZoneInfo("Asia/Hong_Kong")


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=HK), tick=False)


@pytest.fixture
def people():
    return {
        "officer": officer("ImmD"),
        "approver": approver("ImmD"),
        "second_approver": approver("ImmD"),
        "fehd_officer": officer("FEHD"),
        "fehd_approver": approver("FEHD"),
    }


@pytest.fixture
def portfolio(people):
    return build_portfolio(people)


def build_portfolio(people):
    """ImmD: an old project that moves in Q3, one new in Q3 with a slipped date, one cancelled in
    Q2 (not in the Q3 return), one cancelled in Q3, one created after Q3. FEHD: one project."""
    po, ap = people["officer"], people["approver"]
    with at(2026, 3, 2, 10):
        moved = make_project(by=po, code="ImmD-2026-0001", title_en='=HYPERLINK("http://x")', budget_hkd=1000)
        cancelled_early = make_project(by=po, code="ImmD-2026-0002", title_en="Cancelled in Q2")
        cancelled_q3 = make_project(by=po, code="ImmD-2026-0003", title_en="Cancelled in Q3")
        fehd = make_project(by=people["fehd_officer"], code="FEHD-2026-0001", title_en="Hawker licensing")
    with at(2026, 5, 5, 10):
        cancel_project(project=cancelled_early, by=po, reason="No longer needed")
    with at(2026, 8, 3, 10):
        moved = pass_gate(moved, officer_user=po, approver_user=ap)
        new = make_project(
            by=po,
            code="ImmD-2026-0004",
            title_en="New in Q3",
            title_zh_hant="第三季新項目",
            target_identify_date="2026-09-01",
        )
    with at(2026, 9, 1, 10):
        update_project(project=new, by=po, changes={"target_identify_date": datetime(2026, 11, 30).date()})
        cancel_project(project=cancelled_q3, by=po, reason="Merged into another project")
    with at(2026, 9, 20, 10):
        hold_project(project=fehd, by=people["fehd_officer"], reason="Budget review")
    with at(2026, 10, 5, 10):
        late = make_project(by=po, code="ImmD-2026-0005", title_en="Created after Q3")
    return {
        "moved": moved,
        "cancelled_early": cancelled_early,
        "cancelled_q3": cancelled_q3,
        "new": new,
        "fehd": fehd,
        "late": late,
    }
