"""What every project page needs: the project fetched through the user's scope, and form errors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect

from adoption.models import Project
from adoption.roles import Permission
from adoption.scoping import can
from lifecycle.stages import LIFECYCLE_STAGES


def get_project(request, pk: int, *, related=("bd",)) -> Project:
    """The project if the user may see it; 404 otherwise (never 403: its existence is not revealed)."""
    return get_object_or_404(Project.objects.restrict(request.user).select_related(*related), pk=pk)


def refuse_unless(request, permission: Permission, project, message):
    """A redirect back to the project with ``message`` when the user's role may not do this, else None."""
    if can(request.user, permission, project):
        return None
    messages.error(request, message)
    return redirect(project.get_absolute_url())


def add_errors(form, error, fallback_form=None) -> None:
    """Put a service's ``ActionRefused`` or ``ValidationError`` on the form, tied to its field when known."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, errors in error.message_dict.items():
                target = form if field in form.fields else fallback_form or form
                target.add_error(field if field in target.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error.message))


def in_lifecycle(project) -> bool:
    return project.stage in LIFECYCLE_STAGES
