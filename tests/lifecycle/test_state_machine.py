"""The lifecycle state machine: five stages in order, on hold, cancelled, retired, rework.

The transitions are driven through the services, as users drive them; the machine's own
declarations (conditions, permissions) are checked through django-fsm's API.
"""

from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django_fsm import has_transition_perm

from adoption.models import Project
from lifecycle.choices import ReviewStatus
from lifecycle.models import GateReview, StagePeriod
from lifecycle.services import (
    cancel_project,
    hold_project,
    request_gate_review,
    resume_project,
    retire_project,
    return_gate_review,
)
from lifecycle.stages import LIFECYCLE_STAGES, Stage
from tests.factories import bring_to_stage, complete_stage, make_project, pass_gate, pass_gate_quickly, put_in_operation
from tests.lifecycle.assertions import stage_changes

pytestmark = pytest.mark.django_db


def available(project, user) -> set[str]:
    project.refresh_from_db()
    return {transition.name for transition in project.get_available_user_stage_transitions(user)}


def test_a_new_project_starts_in_identify_with_one_open_stage_period(project):
    assert (project.stage, list(StagePeriod.objects.filter(project=project).values_list("stage", "exited_at"))) == (
        Stage.IDENTIFY,
        [(Stage.IDENTIFY, None)],
    )


def test_gates_take_the_project_through_the_five_stages_in_order(project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    assert stage_changes(project) == list(pairwise(LIFECYCLE_STAGES))


def test_passing_the_operational_readiness_gate_puts_the_project_in_operation_in_the_same_stage(project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    assert (project.stage, project.in_operation_since is not None) == (Stage.DEPLOY_IMPROVE, True)


def test_each_stage_visit_is_one_stage_period_closed_by_the_next(project, po, ap):
    bring_to_stage(project, Stage.TEST_VALIDATE, officer_user=po, approver_user=ap)
    periods = list(StagePeriod.objects.filter(project=project).order_by("entered_at", "pk"))
    assert [(p.stage, p.exit, p.exited_at == n.entered_at) for p, n in pairwise(periods)] == [
        (Stage.IDENTIFY, "advanced", True),
        (Stage.SEARCH, "advanced", True),
        (Stage.VENDOR_SELECTION, "advanced", True),
    ]


def test_the_transitions_keep_the_days_the_cycle_times_count(po, ap):
    """Whole days in each stage left; calendar days from entering the last stage to operation."""
    start = datetime(2026, 1, 5, 23, 0, tzinfo=ZoneInfo("Asia/Hong_Kong"))
    with time_machine.travel(start, tick=False):
        project = make_project(by=po)
    for days, hours in ((3, 2), (1, 0), (0, 5), (12, 17)):  # identify to test_validate, left at 23:00
        start += timedelta(days=days, hours=hours)
        with time_machine.travel(start, tick=False):
            pass_gate_quickly(project, officer_user=po, approver_user=ap)
    with time_machine.travel(start + timedelta(hours=2), tick=False):  # 23:00 + 2 hours: the next day
        pass_gate_quickly(project, officer_user=po, approver_user=ap)
    project.refresh_from_db()
    periods = StagePeriod.objects.filter(project=project).order_by("entered_at")
    assert [(period.stage, period.days) for period in periods] == [
        (Stage.IDENTIFY, 3),
        (Stage.SEARCH, 1),
        (Stage.VENDOR_SELECTION, 0),
        (Stage.TEST_VALIDATE, 12),
        (Stage.DEPLOY_IMPROVE, None),  # still in it
    ]
    assert (project.in_operation_since, project.days_to_operation) == (datetime(2026, 1, 23).date(), 1)


@pytest.mark.parametrize("stage", [Stage.IDENTIFY, Stage.VENDOR_SELECTION, Stage.DEPLOY_IMPROVE])
def test_a_project_on_hold_resumes_to_the_stage_it_left(project, po, ap, stage):
    bring_to_stage(project, stage, officer_user=po, approver_user=ap)
    project = hold_project(project=project, by=po, reason="Budget frozen until April")
    project = resume_project(project=project, by=ap, reason="Budget released")
    assert stage_changes(project)[-2:] == [(stage, Stage.ON_HOLD), (Stage.ON_HOLD, stage)]


def test_a_project_in_operation_keeps_operating_after_hold_and_resume(project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    since = project.in_operation_since
    project = hold_project(project=project, by=ap, reason="Vendor contract renewal")
    project = resume_project(project=project, by=ap, reason="Renewed")
    assert (project.stage, project.in_operation_since) == (Stage.DEPLOY_IMPROVE, since)


def test_cancelling_records_the_reason(project, po):
    project = cancel_project(project=project, by=po, reason="Superseded by a central platform")
    assert (project.stage, project.closure_reason) == (Stage.CANCELLED, "Superseded by a central platform")


def test_a_project_on_hold_can_be_cancelled(project, po):
    project = hold_project(project=project, by=po, reason="Waiting for policy direction")
    project = cancel_project(project=project, by=po, reason="Policy changed")
    assert stage_changes(project)[-1] == (Stage.ON_HOLD, Stage.CANCELLED)


def test_a_project_in_operation_can_be_retired_by_an_approver(project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    project = retire_project(project=project, by=ap, reason="Replaced by the new case system")
    assert (project.stage, project.closure_reason) == (Stage.RETIRED, "Replaced by the new case system")


def test_a_returned_review_with_rework_sends_the_project_back_with_the_reason(project, po, ap):
    bring_to_stage(project, Stage.VENDOR_SELECTION, officer_user=po, approver_user=ap)
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    return_gate_review(review=review, by=ap, comment="Market research is out of date", rework_to_stage=Stage.SEARCH)
    project.refresh_from_db()
    assert (project.stage, stage_changes(project)[-1]) == (
        Stage.SEARCH,
        (Stage.VENDOR_SELECTION, Stage.SEARCH),
    )


def test_after_rework_the_project_passes_the_gate_again_to_the_next_stage_only(project, po, ap):
    bring_to_stage(project, Stage.VENDOR_SELECTION, officer_user=po, approver_user=ap)
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    return_gate_review(review=review, by=ap, comment="Redo the market research", rework_to_stage=Stage.SEARCH)
    project.refresh_from_db()
    pass_gate(project, officer_user=po, approver_user=ap)
    assert stage_changes(project)[-2:] == [
        (Stage.VENDOR_SELECTION, Stage.SEARCH),
        (Stage.SEARCH, Stage.VENDOR_SELECTION),
    ]


def test_an_approval_from_an_earlier_visit_does_not_open_the_gate_again(project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    return_gate_review(review=review, by=ap, comment="Identify again", rework_to_stage=Stage.IDENTIFY)
    project.refresh_from_db()
    assert "advance" not in available(project, ap)


def test_the_stage_field_cannot_be_assigned(project):
    with pytest.raises(AttributeError, match="Direct stage modification is not allowed"):
        project.stage = Stage.DEPLOY_IMPROVE


def test_full_clean_does_not_touch_the_protected_stage(project):
    project.full_clean()
    assert project.stage == Stage.IDENTIFY


PEOPLE = ("po", "ap", "outsider", "boss", "dpo")


def available_to_each(request, project) -> dict[str, set[str]]:
    return {who: available(project, request.getfixturevalue(who)) for who in PEOPLE}


def test_in_a_stage_officers_and_approvers_may_hold_or_cancel_and_nobody_else_may_do_anything(request, project):
    assert available_to_each(request, project) == {
        "po": {"hold", "cancel"},
        "ap": {"hold", "cancel"},
        "outsider": set(),
        "boss": set(),
        "dpo": set(),
    }


def test_on_hold_officers_and_approvers_may_resume_or_cancel(request, project, po):
    hold_project(project=project, by=po, reason="Waiting for funds")
    assert available_to_each(request, project) == {
        "po": {"resume", "cancel"},
        "ap": {"resume", "cancel"},
        "outsider": set(),
        "boss": set(),
        "dpo": set(),
    }


def test_in_operation_only_the_approver_may_also_retire(request, project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    assert available_to_each(request, project) == {
        "po": {"hold", "cancel"},
        "ap": {"hold", "cancel", "retire"},
        "outsider": set(),
        "boss": set(),
        "dpo": set(),
    }


def test_while_a_review_is_pending_no_transition_is_offered_to_anyone(request, project, po):
    complete_stage(project, po)
    request_gate_review(project=project, by=po)
    assert available_to_each(request, project) == {who: set() for who in PEOPLE}


def test_rework_is_available_only_while_a_returned_review_sends_the_project_back(project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    assert "rework" not in available(project, ap)


def test_no_transition_is_available_once_cancelled(request, project, po):
    cancel_project(project=project, by=po, reason="Stopped")
    assert available_to_each(request, project) == {who: set() for who in PEOPLE}


def test_no_transition_is_available_once_retired(request, project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    retire_project(project=project, by=ap, reason="Decommissioned")
    assert available_to_each(request, project) == {who: set() for who in PEOPLE}


def decided_review(project, *, by, status, rework_to_stage=""):
    """A decision recorded on this stage visit, without running the service that would act on it."""
    return GateReview.objects.create(
        project=project,
        stage=project.stage,
        status=status,
        requested_by=by,
        decided_by=by,
        decided_at=timezone.now(),
        rework_to_stage=rework_to_stage,
    )


def test_an_approval_of_this_stage_visit_offers_advance_to_approvers_only(request, project, po):
    decided_review(project, by=po, status=ReviewStatus.APPROVED)
    offered = {who: "advance" in moves for who, moves in available_to_each(request, project).items()}
    assert offered == {"po": False, "ap": True, "outsider": False, "boss": False, "dpo": False}


def test_a_return_for_rework_offers_rework_to_approvers_only(request, project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    decided_review(project, by=po, status=ReviewStatus.RETURNED, rework_to_stage=Stage.IDENTIFY)
    offered = {who: "rework" in moves for who, moves in available_to_each(request, project).items()}
    assert offered == {"po": False, "ap": True, "outsider": False, "boss": False, "dpo": False}


def test_an_approval_for_a_prohibited_use_does_not_offer_advance(project, po, ap):
    decided_review(project, by=po, status=ReviewStatus.APPROVED)
    Project.objects.filter(pk=project.pk).update(risk_tier="prohibited")
    assert "advance" not in available(project, ap)


def test_retire_needs_the_project_in_operation_even_for_an_approver(project, po, ap):
    bring_to_stage(project, Stage.DEPLOY_IMPROVE, officer_user=po, approver_user=ap)
    project.refresh_from_db()
    assert has_transition_perm(project.retire, ap) is False


def test_transition_permissions_follow_the_role_and_scope(request, project, po, ap):
    put_in_operation(project, officer_user=po, approver_user=ap)
    project.refresh_from_db()
    matrix = {
        (transition, who): has_transition_perm(getattr(project, transition), request.getfixturevalue(who))
        for transition in ("hold", "cancel", "retire")
        for who in PEOPLE
    }
    assert matrix == {
        ("hold", "po"): True,
        ("hold", "ap"): True,
        ("hold", "outsider"): False,
        ("hold", "boss"): False,
        ("hold", "dpo"): False,
        ("cancel", "po"): True,
        ("cancel", "ap"): True,
        ("cancel", "outsider"): False,
        ("cancel", "boss"): False,
        ("cancel", "dpo"): False,
        ("retire", "po"): False,
        ("retire", "ap"): True,
        ("retire", "outsider"): False,
        ("retire", "boss"): False,
        ("retire", "dpo"): False,
    }
