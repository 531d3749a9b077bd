"""Life after deployment: periodic reviews on a 6- or 12-month cycle, and incidents."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from lifecycle.choices import AuditAction, IncidentStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import AuditEvent, PeriodicReview
from lifecycle.services import close_incident, open_incident, record_periodic_review, update_incident
from tests.factories import make_project, put_in_operation, screen

pytestmark = pytest.mark.django_db

HK = ZoneInfo("Asia/Hong_Kong")
GO_LIVE = datetime(2025, 1, 15, 10, 0, tzinfo=HK)


def in_operation(po, ap, *, high_risk=False):
    """A project registered and taken through its five gates on GO_LIVE."""
    with time_machine.travel(GO_LIVE, tick=False):
        project = make_project(by=po, project_officers=[po], responsible_officer=ap)
        if high_risk:
            screen(project, po, decides_on_individuals=True)
            project.refresh_from_db()
        put_in_operation(project, officer_user=po, approver_user=ap)
    return project


def review(project, by, review_date, **extra):
    fields = {"kpi_results": "Triage time down from 5 days to 2", "outcome": "met", "decision": "continue"}
    return record_periodic_review(project=project, by=by, review_date=review_date, **{**fields, **extra})


@pytest.fixture
def live(po, ap):
    return in_operation(po, ap)


def test_the_first_review_is_due_twelve_months_after_going_live(live):
    assert (live.in_operation_since, live.next_periodic_review_due) == (date(2025, 1, 15), date(2026, 1, 15))


def test_a_high_risk_system_is_reviewed_every_six_months(po, ap):
    project = in_operation(po, ap, high_risk=True)
    assert (project.risk_tier, project.next_periodic_review_due) == ("high", date(2025, 7, 15))


@time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=HK), tick=False)
def test_each_review_sets_the_next_due_date_from_the_review_date(live, ap):
    review(live, ap, date(2026, 1, 20))
    live.refresh_from_db()
    assert live.next_periodic_review_due == date(2027, 1, 20)


@time_machine.travel(datetime(2025, 8, 1, 9, 0, tzinfo=HK), tick=False)
def test_a_high_risk_review_sets_the_next_one_six_months_on(po, ap):
    project = in_operation(po, ap, high_risk=True)
    review(project, ap, date(2025, 7, 30))
    project.refresh_from_db()
    assert project.next_periodic_review_due == date(2026, 1, 30)


@time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=HK), tick=False)
def test_a_review_records_the_due_date_it_answers_and_the_realised_benefits(live, po):
    recorded = review(
        live, po, date(2026, 1, 20), realised_staff_hours_per_year=5200, realised_cost_saving_hkd_per_year=Decimal("1")
    )
    live.refresh_from_db()
    assert (recorded.due_date, live.realised_staff_hours_per_year) == (date(2026, 1, 15), 5200)


@time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=HK), tick=False)
def test_a_review_is_written_to_the_audit_trail(live, ap):
    recorded = review(live, ap, date(2026, 1, 20), notes="Extend to the Tsim Sha Tsui office")
    event = AuditEvent.objects.get(project=live, action=AuditAction.PERIODIC_REVIEW)
    assert (event.actor, event.details["review"], event.details["next_due"]) == (ap, recorded.pk, "2027-01-20")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"kpi_results": " "}, "Record the KPI actuals"),
        ({"outcome": ""}, "Choose the outcome"),
        ({"decision": "abandon"}, "Choose the decision"),
    ],
)
def test_a_review_needs_its_results_outcome_and_decision(project, ap, extra, message):
    with pytest.raises(ActionRefused, match=message):
        review(project, ap, timezone.localdate(), **extra)


@time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=HK), tick=False)
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"review_date": date(2025, 1, 14)}, "before the project went into operation"),
        ({"review_date": date(2026, 2, 2)}, "cannot be in the future"),
        ({"realised_staff_hours_per_year": -1}, "cannot be negative"),
    ],
)
def test_a_review_needs_a_plausible_date_and_benefits(live, ap, extra, message):
    fields = {"review_date": date(2026, 1, 20), **extra}
    with pytest.raises(ActionRefused, match=message):
        review(live, ap, **fields)


def test_a_review_is_refused_for_management(project, boss):
    with pytest.raises(ActionRefused, match="Your role cannot record periodic reviews"):
        review(project, boss, timezone.localdate())


def test_no_review_is_recorded_by_a_refused_attempt(live, boss):
    with time_machine.travel(datetime(2026, 2, 1, 9, 0, tzinfo=HK), tick=False), pytest.raises(ActionRefused):
        review(live, boss, date(2026, 1, 20))
    assert PeriodicReview.objects.filter(project=live).count() == 0


def incident(project, by, **extra):
    fields = {
        "kind": "ethical_issue",
        "severity": "high",
        "title": "Biased triage of applications in one language",
        "description": "Applications in Tagalog were triaged as low priority more often.",
        "occurred_at": timezone.now() - timedelta(hours=3),
    }
    return open_incident(project=project, by=by, **{**fields, **extra})


def test_an_incident_is_opened_with_what_happened(project, po):
    opened = incident(project, po, reported_to="Ethical AI Committee")
    assert (opened.status, opened.opened_by, opened.reported_to) == (IncidentStatus.OPEN, po, "Ethical AI Committee")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"title": ""}, "Give the incident a short title"),
        ({"description": "  "}, "Describe what happened"),
        ({"kind": "meteor"}, "Choose the kind of incident"),
        ({"severity": "apocalyptic"}, "Choose the severity"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "cannot have occurred in the future"),
    ],
)
def test_an_incident_needs_its_required_fields(project, po, extra, message):
    with pytest.raises(ActionRefused, match=message):
        incident(project, po, **extra)


def test_an_update_records_the_actions_and_a_new_severity(project, po):
    updated = update_incident(
        incident=incident(project, po), by=po, actions_taken="Model rolled back", severity="critical"
    )
    event = AuditEvent.objects.filter(project=project, action=AuditAction.INCIDENT_UPDATED).get()
    assert (updated.actions_taken, event.details["changed"]) == (
        "Model rolled back",
        {"severity": ["high", "critical"]},
    )


def test_an_update_needs_the_actions_taken(project, po):
    with pytest.raises(ActionRefused, match="Record the actions taken"):
        update_incident(incident=incident(project, po), by=po, actions_taken="")


def test_closing_records_the_resolution(project, po, ap):
    closed = close_incident(incident=incident(project, po), by=ap, resolution="Retrained with balanced data")
    assert (closed.status, closed.closed_by, closed.resolution) == (
        IncidentStatus.CLOSED,
        ap,
        "Retrained with balanced data",
    )


def test_a_closed_incident_cannot_be_updated(project, po):
    closed = close_incident(incident=incident(project, po), by=po, resolution="Fixed")
    with pytest.raises(ActionRefused, match="This incident is closed"):
        update_incident(incident=closed, by=po, actions_taken="More")


def test_a_closed_incident_cannot_be_closed_again(project, po):
    closed = close_incident(incident=incident(project, po), by=po, resolution="Fixed")
    with pytest.raises(ActionRefused, match="already closed"):
        close_incident(incident=closed, by=po, resolution="Fixed again")


def test_the_incident_lifecycle_is_written_to_the_audit_trail(project, po):
    opened = incident(project, po)
    update_incident(incident=opened, by=po, actions_taken="Suspended the model")
    close_incident(incident=opened, by=po, resolution="Fixed")
    rows = AuditEvent.objects.filter(project=project, details__incident=opened.pk).order_by("pk")
    assert list(rows.values_list("action", flat=True)) == [
        AuditAction.INCIDENT_OPENED,
        AuditAction.INCIDENT_UPDATED,
        AuditAction.INCIDENT_CLOSED,
    ]


def test_an_incident_is_refused_out_of_scope(project, outsider):
    with pytest.raises(ActionRefused, match="Your role cannot record incidents"):
        incident(project, outsider)


def test_an_incident_cannot_be_opened_on_a_cancelled_project(project, po):
    from lifecycle.services import cancel_project

    project = cancel_project(project=project, by=po, reason="Stopped")
    with pytest.raises(ActionRefused, match="The project is closed"):
        incident(project, po)
