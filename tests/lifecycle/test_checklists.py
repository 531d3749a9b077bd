"""Gate checklists: which items a project gets, when, and what completing them takes."""

import pytest

from adoption.services import update_project
from lifecycle.checklists import Profile, requirement
from lifecycle.choices import AuditAction, ItemStatus, Requirement
from lifecycle.models import AuditEvent, ChecklistItem
from lifecycle.services import blocking_items, complete_item, mark_not_applicable, reopen_item
from lifecycle.stages import Stage
from tests.factories import bring_to_stage, pdf_upload, screen

pytestmark = pytest.mark.django_db

LOW = Profile(tier="low", generative_ai=False, personal_data=False, public_facing=False)


def codes(project, stage=None) -> set[str]:
    items = ChecklistItem.objects.filter(project=project, stage=stage or project.stage)
    return set(items.values_list("template_item__code", flat=True))


def item(project, code) -> ChecklistItem:
    return ChecklistItem.objects.get(project=project, template_item__code=code)


@pytest.mark.parametrize(
    ("applies", "profile", "expected"),
    [
        (["all"], LOW, Requirement.MANDATORY),
        (["rec"], LOW, Requirement.RECOMMENDED),
        (["t2plus"], LOW, Requirement.RECOMMENDED),
        (["t2plus"], Profile("limited", False, False, False), Requirement.MANDATORY),
        (["t3"], Profile("limited", False, False, False), Requirement.NOT_REQUIRED),
        (["t3"], Profile("high", False, False, False), Requirement.MANDATORY),
        (["genai"], LOW, Requirement.NOT_REQUIRED),
        (["genai"], Profile("low", True, False, False), Requirement.MANDATORY),
        (["pd"], Profile("low", False, True, False), Requirement.MANDATORY),
        (["pub"], Profile("low", False, False, True), Requirement.MANDATORY),
        (["t2plus", "pub"], LOW, Requirement.RECOMMENDED),
        (["t2plus", "pub"], Profile("low", False, False, True), Requirement.MANDATORY),
    ],
)
def test_the_profile_decides_whether_an_item_is_required(applies, profile, expected):
    assert requirement(applies, profile) == expected


def test_a_new_project_gets_the_identify_items_that_apply_to_its_profile(project):
    assert codes(project) == {"S1-01", "S1-02", "S1-03", "S1-04", "S1-05", "S1-07", "S1-08", "S1-09"}


def test_a_new_checklist_is_written_to_the_audit_trail(project):
    event = AuditEvent.objects.get(project=project, action=AuditAction.CHECKLIST_CREATED)
    assert (event.to_stage, len(event.details["items"])) == (Stage.IDENTIFY, 8)


def test_entering_a_stage_creates_its_items(project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    assert codes(project) == {"S2-01", "S2-02", "S2-03", "S2-04", "S2-05", "S2-07", "S2-08"}


def test_later_stages_have_no_items_before_the_project_reaches_them(project):
    assert ChecklistItem.objects.filter(project=project).exclude(stage=Stage.IDENTIFY).count() == 0


def test_a_screening_that_finds_personal_data_adds_the_personal_data_item_at_once(project, po):
    screen(project, po, personal_data=True, sensitive_data_at_scale=False)
    assert "S1-06" in codes(project)


def test_update_project_turning_on_generative_ai_adds_its_items_in_the_current_stage(project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    update_project(project=project, by=po, changes={"uses_generative_ai": True})
    assert "S2-06" in codes(project)


def test_items_added_by_a_profile_change_are_written_to_the_audit_trail(project, po):
    update_project(project=project, by=po, changes={"processes_personal_data": True})
    event = AuditEvent.objects.get(project=project, action=AuditAction.PROFILE_CHANGED)
    assert event.details["items_added"] == ["S1-06"]


def test_a_newly_applicable_mandatory_item_blocks_the_gate(project, po):
    project = update_project(project=project, by=po, changes={"processes_personal_data": True})
    assert "S1-06" in {blocking.template_item.code for blocking in blocking_items(project, Stage.IDENTIFY)}


def test_an_item_that_no_longer_applies_stays_but_does_not_block(project, po):
    update_project(project=project, by=po, changes={"processes_personal_data": True})
    project = update_project(project=project, by=po, changes={"processes_personal_data": False})
    blocking = {blocking.template_item.code for blocking in blocking_items(project, Stage.IDENTIFY)}
    assert ("S1-06" in codes(project), "S1-06" in blocking) == (True, False)


def test_recommended_items_do_not_block_the_gate(project, po):
    screen(project, po)
    blocking = {blocking.template_item.code for blocking in blocking_items(project, Stage.IDENTIFY)}
    assert blocking == {"S1-01", "S1-02", "S1-03", "S1-05"}


def test_a_higher_tier_makes_tier_limited_items_mandatory(project, po):
    screen(project, po, public_facing=True)
    project.refresh_from_db()
    assert "S1-08" in {blocking.template_item.code for blocking in blocking_items(project, Stage.IDENTIFY)}


@pytest.mark.parametrize(
    ("evidence", "kind"),
    [
        ({"note": "Problem statement agreed with the AD (Visa) on 3 March."}, "note"),
        ({"url": "https://intranet.immd.gov.hk/ai/problem-statement"}, "link"),
        ({"upload": "pdf"}, "file"),
    ],
)
def test_an_item_is_done_with_a_note_a_link_or_a_file(project, po, evidence, kind):
    if "upload" in evidence:
        evidence = {"upload": pdf_upload()}
    done = complete_item(item=item(project, "S1-01"), by=po, **evidence)
    assert (done.status, list(done.evidence.values_list("kind", flat=True))) == (ItemStatus.DONE, [kind])


def test_completing_records_who_and_when(project, po):
    done = complete_item(item=item(project, "S1-01"), by=po, note="Agreed")
    assert (done.completed_by, done.completed_at is not None) == (po, True)


def test_evidence_attached_earlier_is_enough_to_complete(project, po):
    from lifecycle.services import add_evidence

    add_evidence(item=item(project, "S1-02"), by=po, url="https://intranet.immd.gov.hk/ai/objectives")
    assert complete_item(item=item(project, "S1-02"), by=po).status == ItemStatus.DONE


def test_not_applicable_keeps_the_justification(project, po):
    marked = mark_not_applicable(item=item(project, "S1-07"), by=po, justification="No comparable projects exist")
    assert (marked.status, marked.justification) == (ItemStatus.NOT_APPLICABLE, "No comparable projects exist")


def test_a_not_applicable_item_does_not_block(project, po, ap):
    bring_to_stage(project, Stage.SEARCH, officer_user=po, approver_user=ap)
    mark_not_applicable(item=item(project, "S2-02"), by=po, justification="Single supplier platform")
    assert "S2-02" not in {blocking.template_item.code for blocking in blocking_items(project, Stage.SEARCH)}


def test_reopening_an_item_clears_its_completion(project, po):
    complete_item(item=item(project, "S1-01"), by=po, note="Agreed")
    reopened = reopen_item(item=item(project, "S1-01"), by=po, reason="The owner changed")
    assert (reopened.status, reopened.completed_by, reopened.completed_at) == (ItemStatus.OPEN, None, None)


@pytest.mark.parametrize(
    ("action", "audit_action"),
    [
        ("done", AuditAction.ITEM_DONE),
        ("not_applicable", AuditAction.ITEM_NOT_APPLICABLE),
        ("reopened", AuditAction.ITEM_REOPENED),
    ],
)
def test_every_checklist_change_writes_an_audit_row_with_who_and_why(project, po, action, audit_action):
    target = item(project, "S1-07")
    if action == "done":
        complete_item(item=target, by=po, note="Checked the AI+ catalogue")
    elif action == "not_applicable":
        mark_not_applicable(item=target, by=po, justification="Nothing comparable")
    else:
        complete_item(item=target, by=po, note="Checked")
        reopen_item(item=item(project, "S1-07"), by=po, reason="Recheck")
    event = AuditEvent.objects.filter(project=project, action=audit_action).latest("at")
    assert (event.actor, event.details["item"], event.to_stage) == (po, "S1-07", Stage.IDENTIFY)
