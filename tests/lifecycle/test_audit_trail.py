"""The audit trail: a row for every change (who, when, from, to, why), and nothing can alter it."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from adoption.models import Project
from lifecycle.choices import AuditAction
from lifecycle.models import AppendOnlyError, AuditEvent, ChecklistItem
from lifecycle.services import (
    approve_gate_review,
    cancel_project,
    complete_item,
    hold_project,
    mark_not_applicable,
    request_gate_review,
    resume_project,
    return_gate_review,
    withdraw_gate_review,
)
from lifecycle.stages import Stage
from tests.factories import PASSWORD, UserFactory, complete_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(project):
    return AuditEvent.objects.filter(project=project).first()


def latest(project, action) -> AuditEvent:
    return AuditEvent.objects.filter(project=project, action=action).order_by("pk").last()


def test_registering_a_project_is_the_first_row(project, po):
    first = AuditEvent.objects.filter(project=project).order_by("pk").first()
    assert (first.action, first.actor, first.to_stage, first.details["code"]) == (
        AuditAction.PROJECT_CREATED,
        po,
        Stage.IDENTIFY,
        project.code,
    )


def test_a_transition_row_says_who_when_from_to_and_why(project, po):
    hold_project(project=project, by=po, reason="Waiting for the policy bureau")
    row = latest(project, AuditAction.STAGE_CHANGED)
    assert (row.actor, row.from_stage, row.to_stage, row.reason, row.at) == (
        po,
        Stage.IDENTIFY,
        Stage.ON_HOLD,
        "Waiting for the policy bureau",
        Project.objects.get(pk=project.pk).stage_entered_at,
    )


def test_every_step_of_a_gate_writes_its_row_in_order(project, po, ap):
    item = ChecklistItem.objects.get(project=project, template_item__code="S1-07")
    mark_not_applicable(item=item, by=po, justification="Nothing comparable in the catalogue")
    complete_stage(project, po)
    review = request_gate_review(project=project, by=po)
    withdraw_gate_review(review=review, by=po, reason="Missing minutes")
    review = request_gate_review(project=project, by=po)
    return_gate_review(review=review, by=ap, comment="Add the minutes")
    review = request_gate_review(project=project, by=po)
    approve_gate_review(review=review, by=ap)
    project.refresh_from_db()
    hold_project(project=project, by=po, reason="Pause")
    resume_project(project=project, by=po, reason="Go")
    cancel_project(project=project, by=ap, reason="Stop")
    rows = AuditEvent.objects.filter(project=project).order_by("pk")
    wanted = {
        AuditAction.ITEM_NOT_APPLICABLE,
        AuditAction.GATE_REQUESTED,
        AuditAction.GATE_WITHDRAWN,
        AuditAction.GATE_RETURNED,
        AuditAction.GATE_APPROVED,
        AuditAction.STAGE_CHANGED,
    }
    assert [(row.action, row.to_stage) for row in rows if row.action in wanted] == [
        (AuditAction.ITEM_NOT_APPLICABLE, Stage.IDENTIFY),
        (AuditAction.GATE_REQUESTED, ""),
        (AuditAction.GATE_WITHDRAWN, ""),
        (AuditAction.GATE_REQUESTED, ""),
        (AuditAction.GATE_RETURNED, ""),
        (AuditAction.GATE_REQUESTED, ""),
        (AuditAction.GATE_APPROVED, ""),
        (AuditAction.STAGE_CHANGED, Stage.SEARCH),
        (AuditAction.STAGE_CHANGED, Stage.ON_HOLD),
        (AuditAction.STAGE_CHANGED, Stage.SEARCH),
        (AuditAction.STAGE_CHANGED, Stage.CANCELLED),
    ]


def test_every_row_names_who_acted(project, po, ap):
    complete_stage(project, po)
    approve_gate_review(review=request_gate_review(project=project, by=po), by=ap)
    assert set(AuditEvent.objects.filter(project=project).values_list("actor", flat=True)) == {po.pk, ap.pk}


def test_a_checklist_change_row_holds_its_evidence(project, po):
    item = ChecklistItem.objects.get(project=project, template_item__code="S1-01")
    complete_item(item=item, by=po, url="https://intranet.example/problem")
    row = latest(project, AuditAction.ITEM_DONE)
    assert [entry["url"] for entry in row.details["evidence"]] == ["https://intranet.example/problem"]


def test_saving_an_existing_row_is_refused(event):
    event.reason = "Rewritten history"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_saving_a_new_object_over_an_existing_row_is_refused(event):
    impostor = AuditEvent(pk=event.pk, project=event.project, action=AuditAction.PROJECT_UPDATED, reason="Forged")
    with pytest.raises(AppendOnlyError):
        impostor.save()


def test_deleting_a_row_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_updating_rows_in_bulk_is_refused(project):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(project=project).update(reason="Rewritten")


def test_deleting_rows_in_bulk_is_refused(project):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(project=project).delete()


def test_deleting_through_the_project_is_refused(project):
    with pytest.raises(AppendOnlyError):
        project.audit_events.all().delete()


def test_bulk_update_is_refused(event):
    event.reason = "Rewritten"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["reason"])


def test_an_upsert_over_existing_rows_is_refused(event):
    forged = AuditEvent(pk=event.pk, project=event.project, action=AuditAction.PROJECT_UPDATED, reason="Forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([forged], update_conflicts=True, unique_fields=["id"], update_fields=["reason"])


def test_the_rows_are_unchanged_after_the_refused_attempts(project, event):
    before = list(AuditEvent.objects.filter(project=project).values())
    for attempt in (event.save, event.delete, AuditEvent.objects.all().delete):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert list(AuditEvent.objects.filter(project=project).values()) == before


@pytest.fixture
def superuser():
    return UserFactory(role="", org_unit=None, is_staff=True, is_superuser=True)


def test_the_admin_offers_no_add_change_or_delete(superuser, event):
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[AuditEvent]
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request, event),
        model_admin.has_delete_permission(request, event),
    ) == (False, False, False)


def test_the_admin_refuses_a_change_posted_to_it(client, superuser, event):
    client.login(username=superuser.username, password=PASSWORD)
    response = client.post(reverse("admin:lifecycle_auditevent_change", args=[event.pk]), {"reason": "Forged"})
    assert (response.status_code, AuditEvent.objects.get(pk=event.pk).reason) == (403, event.reason)


def test_the_admin_refuses_a_delete_posted_to_it(client, superuser, event):
    client.login(username=superuser.username, password=PASSWORD)
    response = client.post(reverse("admin:lifecycle_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert (response.status_code, AuditEvent.objects.filter(pk=event.pk).exists()) == (403, True)


def test_the_admin_bulk_delete_action_is_not_offered(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    assert "delete_selected" not in admin.site._registry[AuditEvent].get_actions(request)


@pytest.mark.postgres
def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE lifecycle_auditevent SET reason = 'forged' WHERE id = %s", [event.pk])


@pytest.mark.postgres
def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM lifecycle_auditevent WHERE id = %s", [event.pk])


@pytest.mark.postgres
def test_the_row_survives_the_refused_raw_statements(event):
    for statement in (
        "UPDATE lifecycle_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM lifecycle_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, reason=event.reason).exists()
