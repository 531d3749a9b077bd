"""The ethical-AI impact screening: answers give the tier with reasons; prohibited uses stop at gate 1."""

import pytest

from adoption.models import Project
from lifecycle import screening
from lifecycle.choices import AuditAction, ItemStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import AuditEvent, ChecklistItem, GateReview, RiskScreening
from lifecycle.services import approve_gate_review, request_gate_review, screen_risk
from lifecycle.snapshots import checklist_snapshot
from tests.factories import NO_RISK_ANSWERS, complete_stage, screen
from tests.lifecycle.assertions import project_state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("answers", "tier", "reasons"),
    [
        ({}, "low", []),
        ({"unacceptable_use": True}, "prohibited", ["unacceptable_use"]),
        ({"decides_on_individuals": True, "public_facing": True}, "high", ["decides_on_individuals"]),
        (
            {"acts_autonomously": True, "critical_infrastructure": True},
            "high",
            ["acts_autonomously", "critical_infrastructure"],
        ),
        ({"personal_data": True, "sensitive_data_at_scale": False}, "limited", ["personal_data"]),
        ({"personal_data": True, "sensitive_data_at_scale": True}, "high", ["sensitive_data_at_scale"]),
        ({"generative_ai": True, "genai_output_to_public": False}, "low", []),
        ({"generative_ai": True, "genai_output_to_public": True}, "high", ["genai_output_to_public"]),
        ({"public_facing": True, "decision_support": True}, "limited", ["public_facing", "decision_support"]),
    ],
)
def test_the_answers_give_the_tier_and_the_reasons(answers, tier, reasons):
    assert screening.score(screening.validate_answers({**NO_RISK_ANSWERS, **answers})) == (tier, reasons)


def test_a_hidden_follow_up_answer_does_not_count(project, po):
    result = screen(project, po, personal_data=False, sensitive_data_at_scale=True)
    assert result.tier == "low"


def test_a_hidden_follow_up_answer_is_not_stored(project, po):
    result = screen(project, po, generative_ai=False, genai_output_to_public=True)
    assert "genai_output_to_public" not in result.answers


def test_the_screening_is_stored_with_its_answers_tier_and_reasons(project, po):
    screen(project, po, personal_data=True, sensitive_data_at_scale=True)
    stored = RiskScreening.objects.get(project=project)
    assert (stored.answers["sensitive_data_at_scale"], stored.tier, stored.reasons, stored.screened_by) == (
        True,
        "high",
        ["sensitive_data_at_scale"],
        po,
    )


def test_the_screening_sets_the_project_tier_and_profile_flags(project, po):
    screen(project, po, generative_ai=True, genai_output_to_public=False, public_facing=True)
    project.refresh_from_db()
    assert (
        project.risk_tier,
        project.uses_generative_ai,
        project.processes_personal_data,
        project.is_public_facing,
    ) == (
        "limited",
        True,
        False,
        True,
    )


def test_the_screening_is_written_to_the_audit_trail(project, po):
    result = screen(project, po, decision_support=True)
    event = AuditEvent.objects.get(project=project, action=AuditAction.RISK_SCREENED)
    assert (event.details["tier"], event.details["screening"], event.details["changed"]["risk_tier"]) == (
        "limited",
        result.pk,
        ["unscreened", "limited"],
    )


def test_the_screening_completes_the_screening_item_with_its_result_as_evidence(project, po):
    screen(project, po, decision_support=True)
    item = ChecklistItem.objects.get(project=project, template_item__code="S1-04")
    assert (item.status, "tier Limited" in item.evidence.get().note) == (ItemStatus.DONE, True)


def test_the_reasons_read_as_sentences():
    assert screening.reason_texts(["acts_autonomously"]) == ["It acts autonomously without human review."]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"acts_autonomously": None}, "acts_autonomously"),
        ({"acts_autonomously": "yes"}, "acts_autonomously"),
        ({"personal_data": True}, "sensitive_data_at_scale"),
        ({"favourite_colour": True}, "favourite_colour"),
    ],
)
def test_an_incomplete_or_unknown_answer_is_refused(project, po, answers, field):
    with pytest.raises(ActionRefused) as refusal:
        screen_risk(project=project, by=po, answers={**NO_RISK_ANSWERS, **answers})
    assert refusal.value.field == field


def test_a_prohibited_use_cannot_request_its_first_gate(project, po):
    complete_stage(project, po)
    screen(project, po, unacceptable_use=True)
    with pytest.raises(ActionRefused, match="prohibited use"):
        request_gate_review(project=project, by=po)


def test_a_prohibited_use_is_not_approved_even_when_a_review_exists(project, po, ap):
    complete_stage(project, po)
    review = GateReview.objects.create(
        project=project,
        stage=project.stage,
        requested_by=po,
        submitted_snapshot=checklist_snapshot(project, "identify"),
    )
    Project.objects.filter(pk=project.pk).update(risk_tier="prohibited")  # e.g. imported with its tier
    before = project_state(project)
    with pytest.raises(ActionRefused, match="prohibited use"):
        approve_gate_review(review=review, by=ap)
    assert project_state(project) == before
