"""Every bad input is refused with a clear message, and nothing is changed.

Each case builds a project in the state it needs, then tries one bad action. The test takes the
database state of the project (stage, items, evidence, reviews, audit rows, stage periods,
files) before and after, and requires them to be identical.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from adoption.choices import Role
from adoption.models import Project
from adoption.services import update_project
from lifecycle.errors import ActionRefused
from lifecycle.models import ChecklistItem
from lifecycle.services import (
    add_evidence,
    approve_gate_review,
    cancel_project,
    close_incident,
    complete_item,
    hold_project,
    mark_not_applicable,
    open_incident,
    record_periodic_review,
    remove_evidence,
    request_gate_review,
    resume_project,
    retire_project,
    return_gate_review,
    screen_risk,
    withdraw_gate_review,
)
from lifecycle.stages import Stage
from tests.factories import (
    bring_to_stage,
    complete_stage,
    exe_upload,
    large_upload,
    pdf_upload,
    put_in_operation,
    screen,
)
from tests.lifecycle.assertions import project_state

pytestmark = pytest.mark.django_db

FIFTY_MB = 50 * 1024 * 1024


@dataclass
class World:
    project: object
    po: object
    po2: object
    ap: object
    ap2: object
    outsider: object
    boss: object
    dpo: object
    tmp_path: object
    opened: list = field(default_factory=list)

    def item(self, code):
        return ChecklistItem.objects.get(project=self.project, template_item__code=code)

    def pending_review(self):
        complete_stage(self.project, self.po)
        return request_gate_review(project=self.project, by=self.po)

    def refresh(self):
        self.project.refresh_from_db()
        return self.project


@pytest.fixture
def world(project, po, po2, ap, ap2, outsider, boss, dpo, tmp_path):
    built = World(project, po, po2, ap, ap2, outsider, boss, dpo, tmp_path)
    yield built
    for handle in built.opened:
        handle.close()


CASES = {}


def case(build):
    CASES[build.__name__] = build
    return build


# Gate decisions by the wrong person.


@case
def approving_your_own_request(w):
    review = w.pending_review()
    w.po.role = Role.GATE_APPROVER  # promoted since requesting it
    w.po.save()
    return lambda: approve_gate_review(review=review, by=w.po), "You requested this review"


@case
def approving_out_of_scope(w):
    review = w.pending_review()
    return lambda: approve_gate_review(review=review, by=w.outsider), "Only a gate approver of the project's B/D"


@case
def returning_out_of_scope(w):
    review = w.pending_review()
    return (
        lambda: return_gate_review(review=review, by=w.outsider, comment="No"),
        "Only a gate approver of the project's B/D",
    )


@case
def a_project_officer_approving(w):
    review = w.pending_review()
    return lambda: approve_gate_review(review=review, by=w.po2), "Only a gate approver of the project's B/D"


@case
def management_approving(w):
    review = w.pending_review()
    return lambda: approve_gate_review(review=review, by=w.boss), "Only a gate approver of the project's B/D"


@case
def dpo_approving(w):
    review = w.pending_review()
    return lambda: approve_gate_review(review=review, by=w.dpo), "Only a gate approver of the project's B/D"


@case
def an_approver_requesting_a_review(w):
    complete_stage(w.project, w.po)
    return lambda: request_gate_review(project=w.project, by=w.ap), "Your role cannot request gate reviews"


# Gate reviews in the wrong state.


@case
def requesting_with_blocking_items_open(w):
    screen(w.project, w.po)
    return (
        lambda: request_gate_review(project=w.project, by=w.po),
        "These required checklist items are still open: S1-01, S1-02, S1-03, S1-05",
    )


@case
def requesting_before_the_risk_screening(w):
    return lambda: request_gate_review(project=w.project, by=w.po), "Complete the risk screening"


@case
def requesting_a_second_review_while_one_is_pending(w):
    w.pending_review()
    return lambda: request_gate_review(project=w.project, by=w.po2), "already waiting for a decision"


@case
def requesting_a_review_in_operation(w):
    put_in_operation(w.project, officer_user=w.po, approver_user=w.ap)
    return lambda: request_gate_review(project=w.refresh(), by=w.po), "already in operation"


@case
def deciding_an_already_approved_review(w):
    review = w.pending_review()
    approve_gate_review(review=review, by=w.ap)
    return lambda: approve_gate_review(review=review, by=w.ap2), "This gate review was already approved"


@case
def returning_an_already_approved_review(w):
    review = w.pending_review()
    approve_gate_review(review=review, by=w.ap)
    return (
        lambda: return_gate_review(review=review, by=w.ap2, comment="Too late"),
        "This gate review was already approved",
    )


@case
def approving_a_returned_review(w):
    review = w.pending_review()
    return_gate_review(review=review, by=w.ap, comment="Add the business case")
    return lambda: approve_gate_review(review=review, by=w.ap2), "This gate review was already returned"


@case
def withdrawing_a_decided_review(w):
    review = w.pending_review()
    approve_gate_review(review=review, by=w.ap)
    return lambda: withdraw_gate_review(review=review, by=w.po), "This gate review was already approved"


@case
def returning_without_a_comment(w):
    review = w.pending_review()
    return lambda: return_gate_review(review=review, by=w.ap, comment="   "), "Say what needs to change"


@case
def reworking_to_a_later_stage(w):
    bring_to_stage(w.project, Stage.SEARCH, officer_user=w.po, approver_user=w.ap)
    review = w.pending_review()
    return (
        lambda: return_gate_review(review=review, by=w.ap, comment="Go on", rework_to_stage=Stage.TEST_VALIDATE),
        "Choose an earlier stage",
    )


@case
def reworking_to_the_same_stage(w):
    bring_to_stage(w.project, Stage.SEARCH, officer_user=w.po, approver_user=w.ap)
    review = w.pending_review()
    return (
        lambda: return_gate_review(review=review, by=w.ap, comment="Again", rework_to_stage=Stage.SEARCH),
        "Choose an earlier stage",
    )


# The checklist.


@case
def not_applicable_without_a_justification(w):
    return (
        lambda: mark_not_applicable(item=w.item("S1-07"), by=w.po, justification="  "),
        "Say why this item does not apply",
    )


@case
def not_applicable_where_the_item_does_not_allow_it(w):
    return (
        lambda: mark_not_applicable(item=w.item("S1-01"), by=w.po, justification="We know the problem"),
        "This item cannot be marked not applicable",
    )


@case
def done_without_evidence(w):
    return lambda: complete_item(item=w.item("S1-01"), by=w.po), "Add evidence to mark the item done"


@case
def done_by_an_approver(w):
    return (
        lambda: complete_item(item=w.item("S1-01"), by=w.ap, note="Done"),
        "Your role cannot work on this project's checklist",
    )


@case
def done_by_an_officer_of_another_bd(w):
    from tests.factories import officer

    stranger = officer("HKPF")
    return (
        lambda: complete_item(item=w.item("S1-01"), by=stranger, note="Done"),
        "Your role cannot work on this project's checklist",
    )


@case
def working_an_item_of_a_stage_the_project_has_left(w):
    bring_to_stage(w.project, Stage.SEARCH, officer_user=w.po, approver_user=w.ap)
    return (
        lambda: reopen_item_of(w, "S1-01"),
        "This item belongs to a stage the project is not in",
    )


def reopen_item_of(w, code):
    from lifecycle.services import reopen_item

    return reopen_item(item=w.item(code), by=w.po, reason="Redo")


@case
def a_fifty_megabyte_upload(w):
    upload = large_upload(w.tmp_path / "scan.pdf", FIFTY_MB)
    w.opened.append(upload)
    return lambda: complete_item(item=w.item("S1-01"), by=w.po, upload=upload), "files may be at most 10.0\xa0MB"


@case
def an_executable_renamed_pdf(w):
    return (
        lambda: complete_item(item=w.item("S1-01"), by=w.po, upload=exe_upload("business-case.pdf")),
        "The file's content does not match its name (business-case.pdf)",
    )


@case
def an_executable_with_its_own_name(w):
    return (
        lambda: add_evidence(item=w.item("S1-01"), by=w.po, upload=exe_upload("setup.exe")),
        "Files of this type cannot be attached",
    )


@case
def a_javascript_url(w):
    return (
        lambda: complete_item(item=w.item("S1-01"), by=w.po, url="javascript:alert(document.cookie)"),
        "Enter a full web address starting with https://",
    )


@case
def a_bad_url_next_to_a_good_file(w):
    return (
        lambda: add_evidence(item=w.item("S1-01"), by=w.po, url="ftp://files.example/x", upload=pdf_upload()),
        "Enter a full web address starting with https://",
    )


@case
def removing_the_only_evidence_of_a_done_item(w):
    item = complete_item(item=w.item("S1-01"), by=w.po, note="Problem statement agreed")
    evidence = item.evidence.get()
    return lambda: remove_evidence(evidence=evidence, by=w.po), "This is the item's only evidence"


@case
def changing_the_checklist_while_a_review_is_pending(w):
    w.pending_review()
    return (
        lambda: add_evidence(item=w.item("S1-01"), by=w.po, note="More"),
        "A gate review is waiting for a decision",
    )


@case
def changing_the_profile_while_a_review_is_pending(w):
    w.pending_review()
    return (
        lambda: update_project(project=w.refresh(), by=w.po, changes={"processes_personal_data": True}),
        "A gate review is waiting for a decision",
    )


@case
def screening_while_a_review_is_pending(w):
    w.pending_review()
    return (
        lambda: screen_risk(project=w.refresh(), by=w.po, answers=dict.fromkeys(SCREENING_KEYS, False)),
        "A gate review is waiting for a decision",
    )


SCREENING_KEYS = (
    "unacceptable_use",
    "decides_on_individuals",
    "acts_autonomously",
    "critical_infrastructure",
    "personal_data",
    "generative_ai",
    "public_facing",
    "decision_support",
)


@case
def a_screening_with_an_unanswered_question(w):
    answers = dict.fromkeys(SCREENING_KEYS, False)
    del answers["acts_autonomously"]
    return lambda: screen_risk(project=w.project, by=w.po, answers=answers), "Answer every question shown"


# Transitions.


@case
def holding_a_project_with_a_pending_review(w):
    w.pending_review()
    return lambda: hold_project(project=w.refresh(), by=w.po, reason="Pause"), "A gate review is waiting"


@case
def cancelling_a_project_with_a_pending_review(w):
    w.pending_review()
    return lambda: cancel_project(project=w.refresh(), by=w.po, reason="Stop"), "A gate review is waiting"


@case
def holding_without_a_reason(w):
    return lambda: hold_project(project=w.project, by=w.po, reason=""), "Say why the project is put on hold"


@case
def cancelling_without_a_reason(w):
    return lambda: cancel_project(project=w.project, by=w.po, reason=" \n "), "Say why the project is cancelled"


@case
def cancelling_as_management(w):
    return lambda: cancel_project(project=w.project, by=w.boss, reason="Stop"), "Your role cannot cancel projects"


@case
def resuming_a_project_that_is_not_on_hold(w):
    return lambda: resume_project(project=w.project, by=w.po, reason="Go"), "Only a project on hold can be resumed"


@case
def retiring_before_operation(w):
    bring_to_stage(w.project, Stage.DEPLOY_IMPROVE, officer_user=w.po, approver_user=w.ap)
    return (
        lambda: retire_project(project=w.refresh(), by=w.ap, reason="Never mind"),
        "Only a project in operation can be retired",
    )


@case
def retiring_from_an_early_stage(w):
    return (
        lambda: retire_project(project=w.project, by=w.ap, reason="Never mind"),
        "Only a project in operation can be retired",
    )


@case
def retiring_as_a_project_officer(w):
    put_in_operation(w.project, officer_user=w.po, approver_user=w.ap)
    return (
        lambda: retire_project(project=w.refresh(), by=w.po, reason="Done"),
        "Only a gate approver of the project's B/D can retire it",
    )


@case
def retiring_without_a_reason(w):
    return lambda: retire_project(project=w.project, by=w.ap, reason=""), "Say why the system is retired"


def _cancelled(w):
    return cancel_project(project=w.project, by=w.po, reason="Superseded")


def _retired(w):
    put_in_operation(w.project, officer_user=w.po, approver_user=w.ap)
    return retire_project(project=w.refresh(), by=w.ap, reason="Decommissioned")


@case
def holding_a_cancelled_project(w):
    project = _cancelled(w)
    return lambda: hold_project(project=project, by=w.po, reason="Pause"), "The project is closed (Cancelled)"


@case
def holding_a_project_someone_else_has_just_cancelled(w):
    seen = Project.objects.get(pk=w.project.pk)  # open when the officer loaded the page
    cancel_project(project=w.refresh(), by=w.ap, reason="Superseded")
    return lambda: hold_project(project=seen, by=w.po, reason="Pause"), "Someone else changed this project"


@case
def resuming_a_cancelled_project(w):
    project = _cancelled(w)
    return lambda: resume_project(project=project, by=w.po, reason="Back"), "The project is closed (Cancelled)"


@case
def cancelling_a_cancelled_project(w):
    project = _cancelled(w)
    return lambda: cancel_project(project=project, by=w.po, reason="Again"), "The project is closed (Cancelled)"


@case
def screening_a_cancelled_project(w):
    project = _cancelled(w)
    return (
        lambda: screen_risk(project=project, by=w.po, answers=dict.fromkeys(SCREENING_KEYS, False)),
        "The project is closed (Cancelled)",
    )


@case
def requesting_a_review_of_a_cancelled_project(w):
    project = _cancelled(w)
    return lambda: request_gate_review(project=project, by=w.po), "The project is closed (Cancelled)"


@case
def holding_a_retired_project(w):
    project = _retired(w)
    return lambda: hold_project(project=project, by=w.ap, reason="Pause"), "The project is closed (Retired)"


@case
def cancelling_a_retired_project(w):
    project = _retired(w)
    return lambda: cancel_project(project=project, by=w.ap, reason="Stop"), "The project is closed (Retired)"


@case
def retiring_a_retired_project(w):
    project = _retired(w)
    return lambda: retire_project(project=project, by=w.ap, reason="Again"), "The project is closed (Retired)"


# Life after deployment.


@case
def a_periodic_review_before_operation(w):
    return (
        lambda: record_periodic_review(
            project=w.project,
            by=w.ap,
            review_date=timezone.localdate(),
            kpi_results="n/a",
            outcome="met",
            decision="continue",
        ),
        "Periodic reviews are for projects in operation",
    )


@case
def a_periodic_review_dated_in_the_future(w):
    put_in_operation(w.project, officer_user=w.po, approver_user=w.ap)
    return (
        lambda: record_periodic_review(
            project=w.refresh(),
            by=w.ap,
            review_date=timezone.localdate() + timedelta(days=1),
            kpi_results="Triage time down 40%",
            outcome="met",
            decision="continue",
        ),
        "The review date cannot be in the future",
    )


@case
def a_periodic_review_with_an_unknown_outcome(w):
    return (
        lambda: record_periodic_review(
            project=w.project,
            by=w.ap,
            review_date=timezone.localdate(),
            kpi_results="Triage time down 40%",
            outcome="brilliant",
            decision="continue",
        ),
        "Choose the outcome",
    )


@case
def an_incident_without_a_description(w):
    return (
        lambda: open_incident(
            project=w.project,
            by=w.po,
            kind="anomaly",
            severity="low",
            title="Odd output",
            description="",
            occurred_at=timezone.now(),
        ),
        "Describe what happened",
    )


@case
def an_incident_of_an_unknown_kind(w):
    return (
        lambda: open_incident(
            project=w.project,
            by=w.po,
            kind="alien_invasion",
            severity="low",
            title="Odd output",
            description="Strange",
            occurred_at=timezone.now(),
        ),
        "Choose the kind of incident",
    )


@case
def closing_an_incident_without_a_resolution(w):
    incident = open_incident(
        project=w.project,
        by=w.po,
        kind="anomaly",
        severity="low",
        title="Odd output",
        description="Strange",
        occurred_at=timezone.now(),
    )
    return lambda: close_incident(incident=incident, by=w.po, resolution=""), "Record how the incident was resolved"


@pytest.mark.parametrize("name", sorted(CASES))
@override_settings(TRACKER_EVIDENCE_MAX_BYTES=10 * 1024 * 1024)
def test_a_bad_action_is_refused_with_a_clear_message_and_changes_nothing(world, name):
    action, message = CASES[name](world)
    before = project_state(world.project)
    with pytest.raises(ActionRefused, match=re.escape(message)):
        action()
    assert project_state(world.project) == before
