"""Checklist template versions: DPO drafts and publishes; every project keeps its own version."""

import pytest

from adoption.services import update_project
from lifecycle.choices import TemplateStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import ChecklistItem, ChecklistTemplate, ChecklistTemplateItem
from lifecycle.services import current_template
from lifecycle.services.templates import draft_new_template_version, publish_template
from lifecycle.stages import Stage
from tests.factories import make_project, pass_gate

pytestmark = pytest.mark.django_db


@pytest.fixture
def v1():
    return ChecklistTemplate.objects.get(version=1)


@pytest.fixture
def draft(v1, dpo):
    """Version 2: a copy of version 1 with one more identify item and one more personal-data item."""
    draft = draft_new_template_version(source=v1, by=dpo)
    ChecklistTemplateItem.objects.create(
        template=draft,
        code="S1-10",
        stage=Stage.IDENTIFY,
        order=10,
        text_en="Engage the union",
        text_zh_hant="諮詢職工會",
        applies=["all"],
    )
    ChecklistTemplateItem.objects.create(
        template=draft,
        code="S1-11",
        stage=Stage.IDENTIFY,
        order=11,
        text_en="Consult the PCPD",
        text_zh_hant="諮詢私隱專員公署",
        applies=["pd"],
    )
    return draft


def codes(project) -> set[str]:
    return set(
        ChecklistItem.objects.filter(project=project, stage=project.stage).values_list("template_item__code", flat=True)
    )


def test_a_draft_copies_every_item_of_its_source(v1, dpo):
    draft = draft_new_template_version(source=v1, by=dpo)
    assert (draft.version, draft.status, draft.items.count()) == (2, TemplateStatus.DRAFT, v1.items.count())


def test_a_draft_is_not_used_for_new_projects(draft, po):
    project = make_project(by=po)
    assert (project.checklist_template_version, "S1-10" in codes(project)) == (1, False)


def test_a_published_version_is_used_for_new_projects(draft, dpo, po):
    publish_template(template=draft, by=dpo)
    project = make_project(by=po)
    assert (current_template().version, project.checklist_template_version, "S1-10" in codes(project)) == (2, 2, True)


def test_publishing_records_who_and_when(draft, dpo):
    published = publish_template(template=draft, by=dpo)
    assert (published.status, published.published_by, published.published_at is not None) == (
        TemplateStatus.PUBLISHED,
        dpo,
        True,
    )


def test_an_existing_project_keeps_its_version_when_a_new_one_is_published(project, draft, dpo):
    publish_template(template=draft, by=dpo)
    project.refresh_from_db()
    assert (project.checklist_template_version, "S1-10" in codes(project)) == (1, False)


def test_an_existing_project_gets_its_own_versions_items_on_a_profile_change(project, draft, dpo, po):
    publish_template(template=draft, by=dpo)
    project = update_project(project=project, by=po, changes={"processes_personal_data": True})
    items = ChecklistItem.objects.filter(project=project)
    assert (
        "S1-06" in codes(project),
        "S1-11" in codes(project),
        set(items.values_list("template_item__template__version", flat=True)),
    ) == (
        True,
        False,
        {1},
    )


def test_an_existing_project_gets_its_own_versions_items_in_the_next_stage(project, draft, dpo, po, ap):
    publish_template(template=draft, by=dpo)
    pass_gate(project, officer_user=po, approver_user=ap)
    versions = set(
        ChecklistItem.objects.filter(project=project, stage=Stage.SEARCH).values_list(
            "template_item__template__version", flat=True
        )
    )
    assert versions == {1}


def test_a_published_version_cannot_be_published_again(v1, dpo):
    with pytest.raises(ActionRefused, match="Version 1 is already published"):
        publish_template(template=v1, by=dpo)


def test_an_empty_draft_cannot_be_published(v1, dpo):
    draft = draft_new_template_version(source=v1, by=dpo)
    draft.items.all().delete()
    with pytest.raises(ActionRefused, match="without items"):
        publish_template(template=draft, by=dpo)


@pytest.mark.parametrize("who", ["po", "ap", "boss"])
def test_only_dpo_officers_draft_versions(request, v1, who):
    with pytest.raises(ActionRefused, match="Only DPO officers"):
        draft_new_template_version(source=v1, by=request.getfixturevalue(who))


def test_only_dpo_officers_publish(draft, ap):
    with pytest.raises(ActionRefused, match="Only DPO officers"):
        publish_template(template=draft, by=ap)


def test_a_refused_publication_leaves_the_draft_a_draft(draft, ap):
    with pytest.raises(ActionRefused):
        publish_template(template=draft, by=ap)
    draft.refresh_from_db()
    assert (draft.status, current_template().version) == (TemplateStatus.DRAFT, 1)


def test_drafts_are_numbered_one_after_the_other(v1, dpo):
    first = draft_new_template_version(source=v1, by=dpo)
    second = draft_new_template_version(source=v1, by=dpo)
    assert (first.version, second.version) == (2, 3)
