"""Two people acting on one project at the same moment: one wins, the other is told, nothing is lost.

Each test runs two threads, each with its own database connection, on PostgreSQL. Each thread
loads the project or review as its user saw it, then both call the service at once. To make
the race real, the first thread to take the project's row lock waits there until the other
thread has asked for the same lock (and is blocked on it), then carries on.
"""

import threading
import time

import pytest
from django.db import connection

from adoption.models import Project
from lifecycle.choices import AuditAction
from lifecycle.errors import ActionRefused
from lifecycle.models import AuditEvent, ChecklistTemplate, GateReview, StagePeriod
from lifecycle.services import (
    approve_gate_review,
    cancel_project,
    hold_project,
    request_gate_review,
    return_gate_review,
)
from lifecycle.services.templates import draft_new_template_version
from lifecycle.stages import Stage
from tests.factories import complete_stage, dpo_officer, pass_gate

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


class Contention:
    """Wraps ``lock``: whoever gets the lock first holds it until every thread has asked for it."""

    def __init__(self, real_lock, parties: int = 2):
        self.real_lock = real_lock
        self.parties = parties
        self.asked = 0
        self.condition = threading.Condition()

    def __call__(self, project):
        with self.condition:
            self.asked += 1
            self.condition.notify_all()
        locked = self.real_lock(project)
        with self.condition:
            self.condition.wait_for(lambda: self.asked >= self.parties, timeout=10)
        time.sleep(0.3)  # the other thread is now blocked on the row lock in the database
        return locked


def race(*actions):
    """Run the actions in threads started together; return ("ok", value) or ("refused", message) for each."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", action())
        except ActionRefused as refusal:
            results[index] = ("refused", str(refusal))
        except Exception as error:
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def contended(monkeypatch):
    """Patch the lock the gate and transition services take."""
    from lifecycle.services import common

    contention = Contention(common.lock)
    monkeypatch.setattr("lifecycle.services.gates.lock", contention)
    monkeypatch.setattr("lifecycle.services.transitions.lock", contention)
    return contention


def outcomes(results) -> list[str]:
    return sorted(kind for kind, _ in results)


def refusal(results) -> str:
    return next(message for kind, message in results if kind == "refused")


@pytest.fixture
def search_review(project, po, ap):
    """A pending review of the search gate (so a return can send the project back to identify)."""
    pass_gate(project, officer_user=po, approver_user=ap)
    complete_stage(project, po)
    return request_gate_review(project=project, by=po)


def test_two_approvers_approving_at_once_one_wins(project, ap, ap2, search_review, contended):
    first, second = (GateReview.objects.get(pk=search_review.pk) for _ in range(2))
    results = race(
        lambda: approve_gate_review(review=first, by=ap),
        lambda: approve_gate_review(review=second, by=ap2),
    )
    assert (outcomes(results), refusal(results)) == (
        ["ok", "refused"],
        "This gate review was already approved, so nothing was changed.",
    )


def test_two_approvals_at_once_leave_one_decision_and_one_stage_change(project, ap, ap2, search_review, contended):
    first, second = (GateReview.objects.get(pk=search_review.pk) for _ in range(2))
    race(lambda: approve_gate_review(review=first, by=ap), lambda: approve_gate_review(review=second, by=ap2))
    assert (
        AuditEvent.objects.filter(action=AuditAction.GATE_APPROVED, details__review=search_review.pk).count(),
        AuditEvent.objects.filter(project=project, action=AuditAction.STAGE_CHANGED, from_stage=Stage.SEARCH).count(),
        list(StagePeriod.objects.filter(project=project).values_list("stage", flat=True).order_by("entered_at")),
    ) == (1, 1, [Stage.IDENTIFY, Stage.SEARCH, Stage.VENDOR_SELECTION])


def test_approve_and_return_at_once_one_wins(project, ap, ap2, search_review, contended):
    first, second = (GateReview.objects.get(pk=search_review.pk) for _ in range(2))
    results = race(
        lambda: approve_gate_review(review=first, by=ap),
        lambda: return_gate_review(review=second, by=ap2, comment="Redo it", rework_to_stage=Stage.IDENTIFY),
    )
    assert (outcomes(results), refusal(results).startswith("This gate review was already")) == (
        ["ok", "refused"],
        True,
    )


def test_approve_and_return_at_once_leave_one_decision_and_one_stage_change(project, ap, ap2, search_review, contended):
    first, second = (GateReview.objects.get(pk=search_review.pk) for _ in range(2))
    race(
        lambda: approve_gate_review(review=first, by=ap),
        lambda: return_gate_review(review=second, by=ap2, comment="Redo it", rework_to_stage=Stage.IDENTIFY),
    )
    decisions = AuditEvent.objects.filter(
        project=project,
        action__in=[AuditAction.GATE_APPROVED, AuditAction.GATE_RETURNED],
        details__review=search_review.pk,
    )
    changes = AuditEvent.objects.filter(project=project, action=AuditAction.STAGE_CHANGED, from_stage=Stage.SEARCH)
    assert (decisions.count(), changes.count(), StagePeriod.objects.filter(project=project).count()) == (1, 1, 3)


def test_hold_and_cancel_at_once_one_wins(project, po, ap, contended):
    mine, theirs = (Project.objects.get(pk=project.pk) for _ in range(2))
    results = race(
        lambda: hold_project(project=mine, by=po, reason="Budget frozen"),
        lambda: cancel_project(project=theirs, by=ap, reason="No longer needed"),
    )
    assert (outcomes(results), refusal(results).startswith("Someone else changed this project")) == (
        ["ok", "refused"],
        True,
    )


def test_hold_and_cancel_at_once_leave_one_stage_change(project, po, ap, contended):
    mine, theirs = (Project.objects.get(pk=project.pk) for _ in range(2))
    race(
        lambda: hold_project(project=mine, by=po, reason="Budget frozen"),
        lambda: cancel_project(project=theirs, by=ap, reason="No longer needed"),
    )
    project.refresh_from_db()
    assert (
        AuditEvent.objects.filter(project=project, action=AuditAction.STAGE_CHANGED).count(),
        StagePeriod.objects.filter(project=project).count(),
        project.stage in (Stage.ON_HOLD, Stage.CANCELLED),
    ) == (1, 2, True)


def test_two_holds_at_once_one_wins(project, po, ap, contended):
    mine, theirs = (Project.objects.get(pk=project.pk) for _ in range(2))
    results = race(
        lambda: hold_project(project=mine, by=po, reason="Budget frozen"),
        lambda: hold_project(project=theirs, by=ap, reason="Vendor issue"),
    )
    assert (
        outcomes(results),
        AuditEvent.objects.filter(project=project, action=AuditAction.STAGE_CHANGED).count(),
    ) == (
        ["ok", "refused"],
        1,
    )


def test_two_dpo_officers_drafting_at_once_get_different_versions():
    v1 = ChecklistTemplate.objects.get(version=1)
    first, second = dpo_officer(), dpo_officer()
    results = race(
        lambda: draft_new_template_version(source=v1, by=first).version,
        lambda: draft_new_template_version(source=v1, by=second).version,
    )
    assert sorted(value for _, value in results) == [2, 3]
