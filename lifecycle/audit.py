from django.utils import timezone

from lifecycle.models import AuditEvent


def record(*, project, actor, action, from_stage="", to_stage="", reason="", at=None, **details) -> AuditEvent:
    """Append one row to the project's audit trail."""
    return AuditEvent.objects.create(
        project=project,
        actor=actor,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        at=at or timezone.now(),
        details=details,
    )
