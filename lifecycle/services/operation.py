"""Life after deployment: periodic reviews and incidents (the guide's emergency response)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.portfolio import portfolio_changed
from adoption.roles import Permission
from lifecycle.audit import record
from lifecycle.choices import AuditAction, IncidentKind, IncidentStatus, KpiOutcome, ReviewDecision, Severity
from lifecycle.errors import ActionRefused
from lifecycle.models import Incident, PeriodicReview
from lifecycle.services.common import lock, require, required_text
from lifecycle.services.gates import review_interval
from lifecycle.stages import LIFECYCLE_STAGES, Stage


def _choice(value, choices, message, field: str) -> str:
    if value not in choices.values:
        raise ActionRefused(message, field=field)
    return value


def record_periodic_review(
    *,
    project,
    by,
    review_date,
    kpi_results: str,
    outcome: str,
    decision: str,
    realised_staff_hours_per_year=None,
    realised_cost_saving_hkd_per_year=None,
    notes: str = "",
) -> PeriodicReview:
    kpi_results = required_text(kpi_results, _("Record the KPI actuals against the success criteria."))
    _choice(outcome, KpiOutcome, _("Choose the outcome from the list."), "outcome")
    _choice(decision, ReviewDecision, _("Choose the decision from the list."), "decision")
    with transaction.atomic():
        project = lock(project)
        require(by, Permission.RECORD_PERIODIC_REVIEW, project)
        if project.stage != Stage.DEPLOY_IMPROVE or project.in_operation_since is None:
            raise ActionRefused(_("Periodic reviews are for projects in operation."))
        if review_date > timezone.localdate():
            raise ActionRefused(_("The review date cannot be in the future."), field="review_date")
        if review_date < project.in_operation_since:
            raise ActionRefused(
                _("The review date cannot be before the project went into operation."), field="review_date"
            )
        for value in (realised_staff_hours_per_year, realised_cost_saving_hkd_per_year):
            if value is not None and value < 0:
                raise ActionRefused(_("Realised benefits cannot be negative."))
        review = PeriodicReview.objects.create(
            project=project,
            due_date=project.next_periodic_review_due,
            review_date=review_date,
            kpi_results=kpi_results,
            outcome=outcome,
            decision=decision,
            realised_staff_hours_per_year=realised_staff_hours_per_year,
            realised_cost_saving_hkd_per_year=realised_cost_saving_hkd_per_year,
            notes=(notes or "").strip(),
            recorded_by=by,
        )
        update_fields = ["next_periodic_review_due", "updated_at"]
        project.next_periodic_review_due = review_date + review_interval(project.risk_tier)
        if realised_staff_hours_per_year is not None:
            project.realised_staff_hours_per_year = realised_staff_hours_per_year
            update_fields.append("realised_staff_hours_per_year")
        if realised_cost_saving_hkd_per_year is not None:
            project.realised_cost_saving_hkd_per_year = realised_cost_saving_hkd_per_year
            update_fields.append("realised_cost_saving_hkd_per_year")
        project.save(update_fields=update_fields)
        record(
            project=project,
            actor=by,
            action=AuditAction.PERIODIC_REVIEW,
            reason=review.notes,
            review=review.pk,
            outcome=outcome,
            decision=decision,
            next_due=project.next_periodic_review_due.isoformat(),
        )
        portfolio_changed()
    return review


def open_incident(
    *,
    project,
    by,
    kind: str,
    severity: str,
    title: str,
    description: str,
    occurred_at,
    actions_taken: str = "",
    reported_to: str = "",
) -> Incident:
    title = required_text(title, _("Give the incident a short title."))
    description = required_text(description, _("Describe what happened."))
    _choice(kind, IncidentKind, _("Choose the kind of incident from the list."), "kind")
    _choice(severity, Severity, _("Choose the severity from the list."), "severity")
    if occurred_at > timezone.now():
        raise ActionRefused(_("An incident cannot have occurred in the future."), field="occurred_at")
    with transaction.atomic():
        project = lock(project)
        require(by, Permission.RECORD_INCIDENT, project)
        if project.stage not in (*LIFECYCLE_STAGES, Stage.ON_HOLD):
            raise ActionRefused(_("The project is closed: record the incident against the system that replaced it."))
        incident = Incident.objects.create(
            project=project,
            kind=kind,
            severity=severity,
            title=title,
            description=description,
            occurred_at=occurred_at,
            opened_by=by,
            actions_taken=(actions_taken or "").strip(),
            reported_to=(reported_to or "").strip(),
        )
        record(
            project=project,
            actor=by,
            action=AuditAction.INCIDENT_OPENED,
            reason=title,
            incident=incident.pk,
            kind=kind,
            severity=severity,
        )
        portfolio_changed()
    return incident


def update_incident(*, incident, by, actions_taken: str, severity: str | None = None) -> Incident:
    actions_taken = required_text(actions_taken, _("Record the actions taken so far."))
    if severity:
        _choice(severity, Severity, _("Choose the severity from the list."), "severity")
    with transaction.atomic():
        project = lock(incident.project_id)
        require(by, Permission.RECORD_INCIDENT, project)
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status == IncidentStatus.CLOSED:
            raise ActionRefused(_("This incident is closed."))
        changes = {}
        if severity and severity != incident.severity:
            changes["severity"] = [incident.severity, severity]
            incident.severity = severity
        incident.actions_taken = actions_taken
        incident.save(update_fields=["severity", "actions_taken"])
        record(
            project=project,
            actor=by,
            action=AuditAction.INCIDENT_UPDATED,
            reason=incident.actions_taken,
            incident=incident.pk,
            changed=changes,
        )
        portfolio_changed()
    return incident


def close_incident(*, incident, by, resolution: str) -> Incident:
    resolution = required_text(resolution, _("Record how the incident was resolved and what was learnt."))
    with transaction.atomic():
        project = lock(incident.project_id)
        require(by, Permission.RECORD_INCIDENT, project)
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.status == IncidentStatus.CLOSED:
            raise ActionRefused(_("This incident is already closed."))
        incident.status = IncidentStatus.CLOSED
        incident.closed_by = by
        incident.closed_at = timezone.now()
        incident.resolution = resolution
        incident.save(update_fields=["status", "closed_by", "closed_at", "resolution"])
        record(
            project=project,
            actor=by,
            action=AuditAction.INCIDENT_CLOSED,
            reason=resolution,
            incident=incident.pk,
        )
        portfolio_changed()
    return incident
