"""Gate reviews: requested when the checklist is complete, decided by another approver of the B/D.

A decision keeps a snapshot of the checklist and evidence it was made on; the checklist and
the profile are locked while a review is pending.
"""

import copy

import pytest

from adoption.services import update_project
from lifecycle.choices import AuditAction, ItemStatus, ReviewStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import AuditEvent, ChecklistItem, GateReview, StagePeriod
from lifecycle.services import (
    add_evidence,
    approve_gate_review,
    complete_item,
    mark_not_applicable,
    reopen_item,
    request_gate_review,
    return_gate_review,
    withdraw_gate_review,
)
from lifecycle.stages import Stage
from tests.factories import NO_RISK_ANSWERS, bring_to_stage, complete_stage, pdf_upload, screen
from tests.lifecycle.assertions import project_state, stage_changes

pytestmark = pytest.mark.django_db


def item(project, code) -> ChecklistItem:
    return ChecklistItem.objects.get(project=project, template_item__code=code)


@pytest.fixture
def review(project, po):
    """A pending review of the identify gate, every item done."""
    complete_stage(project, po)
    return request_gate_review(project=project, by=po, note="Ready for gate 1")


def test_a_review_can_be_requested_once_every_required_item_is_done(review):
    assert (review.status, review.stage, review.request_note) == (
        ReviewStatus.PENDING,
        Stage.IDENTIFY,
        "Ready for gate 1",
    )


def test_recommended_items_may_stay_open_when_requesting(project, po):
    screen(project, po)
    for code in ("S1-01", "S1-02", "S1-03", "S1-05"):
        complete_item(item=item(project, code), by=po, note="Done")
    assert request_gate_review(project=project, by=po).status == ReviewStatus.PENDING


def test_items_marked_not_applicable_do_not_stop_a_request(project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    for code in ("S2-02", "S2-04"):
        mark_not_applicable(item=item(project, code), by=po, justification="Single platform")
    for code in ("S2-01", "S2-03", "S2-08"):
        complete_item(item=item(project, code), by=po, note="Done")
    assert request_gate_review(project=project, by=po).stage == Stage.SEARCH


def test_the_request_keeps_the_checklist_as_submitted(review):
    statuses = {entry["code"]: entry["status"] for entry in review.submitted_snapshot["items"]}
    assert statuses["S1-01"] == ItemStatus.DONE


def test_the_request_is_written_to_the_audit_trail(project, po, review):
    event = AuditEvent.objects.get(project=project, action=AuditAction.GATE_REQUESTED)
    assert (event.actor, event.from_stage, event.reason, event.details["review"]) == (
        po,
        Stage.IDENTIFY,
        "Ready for gate 1",
        review.pk,
    )


def test_approval_by_another_approver_of_the_bd_advances_the_project(project, ap, review):
    approve_gate_review(review=review, by=ap, comment="Good business case")
    project.refresh_from_db()
    assert project.stage == Stage.SEARCH


def test_approval_writes_exactly_one_stage_change(project, ap, review):
    approve_gate_review(review=review, by=ap)
    assert stage_changes(project) == [(Stage.IDENTIFY, Stage.SEARCH)]


def test_approval_records_the_decision_on_the_review(ap, review):
    decided = approve_gate_review(review=review, by=ap, comment="Good business case")
    assert (decided.status, decided.decided_by, decided.decision_comment) == (
        ReviewStatus.APPROVED,
        ap,
        "Good business case",
    )


def test_approval_and_stage_change_are_one_transaction(project, ap, review, monkeypatch):
    def fail(**kwargs):
        raise ActionRefused("The stage change failed")

    monkeypatch.setattr("lifecycle.services.gates.change_stage", fail)
    before = project_state(project)
    with pytest.raises(ActionRefused):
        approve_gate_review(review=review, by=ap)
    assert project_state(project) == before


def test_approving_the_operational_readiness_gate_starts_operation_without_a_stage_change(project, po, ap):
    bring_to_stage(project, Stage.DEPLOY_IMPROVE, officer_user=po, approver_user=ap)
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    last = AuditEvent.objects.filter(project=project).order_by("pk").last().pk
    approve_gate_review(review=review, by=ap)
    written = AuditEvent.objects.filter(project=project, pk__gt=last).order_by("pk").values_list("action", flat=True)
    assert list(written) == [AuditAction.GATE_APPROVED, AuditAction.OPERATION_STARTED]


def test_a_returned_review_keeps_the_project_in_its_stage(project, ap, review):
    return_gate_review(review=review, by=ap, comment="Quantify the benefits")
    project.refresh_from_db()
    assert (project.stage, StagePeriod.objects.filter(project=project).count()) == (Stage.IDENTIFY, 1)


def test_a_return_is_written_with_its_comment(project, ap, review):
    return_gate_review(review=review, by=ap, comment="Quantify the benefits")
    event = AuditEvent.objects.get(project=project, action=AuditAction.GATE_RETURNED)
    assert (event.actor, event.reason) == (ap, "Quantify the benefits")


def test_after_a_return_the_checklist_can_be_worked_again(project, po, ap, review):
    return_gate_review(review=review, by=ap, comment="Redo the problem statement")
    assert reopen_item(item=item(project, "S1-01"), by=po).status == ItemStatus.OPEN


def test_rework_is_recorded_on_the_review_and_as_the_stage_change_reason(project, po, ap):
    bring_to_stage(project, Stage.TEST_VALIDATE, officer_user=po, approver_user=ap)
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    return_gate_review(review=review, by=ap, comment="Vendor failed the pilot", rework_to_stage=Stage.VENDOR_SELECTION)
    change = AuditEvent.objects.filter(project=project, action=AuditAction.STAGE_CHANGED).latest("at")
    review.refresh_from_db()
    assert (review.rework_to_stage, change.to_stage, change.reason, change.details["transition"]) == (
        Stage.VENDOR_SELECTION,
        Stage.VENDOR_SELECTION,
        "Vendor failed the pilot",
        "rework",
    )


def test_a_withdrawn_review_unlocks_the_checklist(project, po, review):
    withdraw_gate_review(review=review, by=po, reason="Forgot an attachment")
    assert add_evidence(item=item(project, "S1-01"), by=po, upload=pdf_upload())[0].kind == "file"


@pytest.mark.parametrize(
    "change",
    ["complete", "not_applicable", "reopen", "add_evidence", "screen", "profile"],
)
def test_the_checklist_and_profile_are_locked_while_a_review_is_pending(project, po, review, change):
    project.refresh_from_db()
    actions = {
        "complete": lambda: complete_item(item=item(project, "S1-07"), by=po, note="Late"),
        "not_applicable": lambda: mark_not_applicable(item=item(project, "S1-09"), by=po, justification="No"),
        "reopen": lambda: reopen_item(item=item(project, "S1-01"), by=po),
        "add_evidence": lambda: add_evidence(item=item(project, "S1-01"), by=po, note="More"),
        "screen": lambda: screen(project, po, **{**NO_RISK_ANSWERS, "public_facing": True}),
        "profile": lambda: update_project(project=project, by=po, changes={"is_public_facing": True}),
    }
    with pytest.raises(ActionRefused, match="checklist and profile are locked"):
        actions[change]()


def test_other_details_can_still_be_edited_while_a_review_is_pending(project, po, review):
    project.refresh_from_db()
    updated = update_project(project=project, by=po, changes={"next_milestone": "Gate 1 meeting"})
    assert updated.next_milestone == "Gate 1 meeting"


@pytest.fixture
def decided(project, po, ap):
    """The identify gate, approved on a checklist whose S1-01 has a note and a link."""
    complete_item(item=item(project, "S1-01"), by=po, note="Problem statement v1", url="https://intranet.example/ps")
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    return approve_gate_review(review=review, by=ap, comment="Go")


def test_the_decision_snapshot_holds_each_item_with_its_status_and_evidence(decided):
    entry = next(entry for entry in decided.decision_snapshot["items"] if entry["code"] == "S1-01")
    assert (entry["status"], sorted(e["kind"] for e in entry["evidence"])) == ("done", ["link", "note"])


def test_the_decision_snapshot_holds_the_profile_and_template_version(decided):
    snapshot = decided.decision_snapshot
    assert (snapshot["profile"]["risk_tier"], snapshot["template_version"]) == ("low", 1)


def test_the_decision_snapshot_is_unchanged_by_rework_reopening_and_new_evidence(project, po, ap, decided):
    stored = copy.deepcopy(GateReview.objects.get(pk=decided.pk).decision_snapshot)
    project.refresh_from_db()
    complete_stage(project, po)
    search_review = request_gate_review(project=project, by=po)
    return_gate_review(review=search_review, by=ap, comment="Back to identify", rework_to_stage=Stage.IDENTIFY)
    reopen_item(item=item(project, "S1-01"), by=po, reason="New owner")
    complete_item(item=item(project, "S1-01"), by=po, note="Problem statement v2", upload=pdf_upload())
    assert GateReview.objects.get(pk=decided.pk).decision_snapshot == stored


def test_a_returned_review_keeps_its_snapshot_too(project, po, ap, decided):
    project.refresh_from_db()
    complete_stage(project, po)
    returned = return_gate_review(
        review=request_gate_review(project=project, by=po), by=ap, comment="Compare two more solutions"
    )
    stored = copy.deepcopy(returned.decision_snapshot)
    reopen_item(item=item(project, "S2-01"), by=po)
    assert GateReview.objects.get(pk=returned.pk).decision_snapshot == stored
