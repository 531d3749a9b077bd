"""The B/D workflow's permissions, as services: who may remark, submit, accept or return."""

import pytest

from lifecycle.errors import ActionRefused
from reports.models import LineRemark, ReturnStatus
from reports.returns.services import accept_return, open_round, return_for_changes, save_remarks, submit_return
from tests.factories import dpo_officer, management
from tests.returns.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def immd(portfolio):
    with at(2026, 10, 2, 9):
        return open_round(quarter="2026Q3").returns.get(bd_code="ImmD")


def remark(bd_return, by, text="Checked"):
    line = bd_return.lines.first()
    return save_remarks(bd_return=bd_return, by=by, remarks={line.pk: text})


@pytest.mark.parametrize("who", ["officer", "approver"])
def test_officers_and_approvers_of_the_bd_add_remarks(people, immd, who):
    assert remark(immd, people[who]) == 1
    assert remark(immd, people[who]) == 0  # unchanged
    assert LineRemark.objects.get().text == "Checked"


@pytest.mark.parametrize("who", ["fehd_officer", "dpo", "management"])
def test_others_cannot_add_remarks(people, immd, who):
    user = {"dpo": dpo_officer(), "management": management("SB")}.get(who) or people[who]
    with pytest.raises(ActionRefused, match="Only officers of the B/D"):
        remark(immd, user)


def test_a_line_of_another_return_is_refused(people, immd):
    fehd_line = immd.round.returns.get(bd_code="FEHD").lines.first()
    with pytest.raises(ActionRefused, match="not in this return"):
        save_remarks(bd_return=immd, by=people["officer"], remarks={fehd_line.pk: "x"})


@pytest.mark.parametrize("who", ["officer", "fehd_approver", "dpo"])
def test_only_an_approver_of_the_bd_submits(people, immd, who):
    user = dpo_officer() if who == "dpo" else people[who]
    with pytest.raises(ActionRefused, match="Only a gate approver of the B/D"):
        submit_return(bd_return=immd, by=user)


def test_only_dpo_decides_and_only_a_submitted_return(people, immd):
    dpo = dpo_officer()
    with pytest.raises(ActionRefused, match="only a submitted return"):
        accept_return(bd_return=immd, by=dpo)
    submit_return(bd_return=immd, by=people["approver"])
    with pytest.raises(ActionRefused, match="can no longer be changed"):
        remark(immd, people["officer"])
    with pytest.raises(ActionRefused, match="can no longer be changed"):
        submit_return(bd_return=immd, by=people["approver"])
    with pytest.raises(ActionRefused, match="Only DPO officers"):
        accept_return(bd_return=immd, by=people["second_approver"])
    with pytest.raises(ActionRefused, match="Say what the B/D needs to change"):
        return_for_changes(bd_return=immd, by=dpo, comment="  ")
    immd = return_for_changes(bd_return=immd, by=dpo, comment="Add the vendor.")
    assert immd.status == ReturnStatus.RETURNED
    assert remark(immd, people["officer"], "Vendor added") == 1
    submit_return(bd_return=immd, by=people["second_approver"])
    assert accept_return(bd_return=immd, by=dpo).status == ReturnStatus.ACCEPTED
