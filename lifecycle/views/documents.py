"""The project's documents (all evidence), the scoped download, and the full timeline."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from adoption.models import restrict_related
from adoption.views.common import get_project
from lifecycle.choices import EvidenceKind
from lifecycle.models import AuditEvent, Evidence
from lifecycle.selectors import project_evidence
from lifecycle.timeline import Entry, sentence


@login_required
def documents(request, pk: int):
    project = get_project(request, pk)
    return render(
        request,
        "lifecycle/documents.html",
        {"project": project, "evidence": list(project_evidence(project)), "tab": "documents"},
    )


@login_required
def evidence_download(request, pk: int):
    """An evidence file, only to someone who can see its project: 404 for anyone else."""
    evidence = get_object_or_404(
        restrict_related(
            Evidence.objects.filter(kind=EvidenceKind.FILE), request.user, project_field="checklist_item__project"
        ),
        pk=pk,
    )
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def project_timeline(request, pk: int):
    project = get_project(request, pk)
    events = AuditEvent.objects.filter(project=project).select_related("actor").order_by("-at", "-id")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    entries = [Entry(at=e.at, action=e.action, sentence=sentence(e), reason=e.reason) for e in page]
    return render(
        request, "lifecycle/timeline.html", {"project": project, "page": page, "entries": entries, "tab": "timeline"}
    )
