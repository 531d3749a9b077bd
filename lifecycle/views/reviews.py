"""The approver's queue, a gate review as submitted, and its decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from adoption.bilingual import localized
from adoption.models import restrict_related
from adoption.roles import Permission
from adoption.scoping import can
from adoption.views.common import add_errors, get_project
from lifecycle import selectors
from lifecycle.choices import EvidenceKind, ItemStatus, Requirement, ReviewStatus
from lifecycle.errors import ActionRefused
from lifecycle.forms import DecisionForm
from lifecycle.models import GateReview
from lifecycle.services import approve_gate_review, return_gate_review
from lifecycle.stages import stage_number


@login_required
def review_queue(request):
    user = request.user
    context = {
        "waiting": list(selectors.waiting_for_me(user)) if can_decide_anything(user) else None,
        "mine": list(selectors.my_requests_waiting(user)),
    }
    return render(request, "lifecycle/review_queue.html", context)


def can_decide_anything(user) -> bool:
    from adoption.roles import has_permission

    return has_permission(user, Permission.DECIDE_GATE_REVIEW)


def snapshot_items(snapshot: dict) -> list[dict]:
    """The checklist as it was submitted, ready to show in the reader's language."""
    rows = []
    for item in snapshot.get("items", []):
        evidence = []
        for piece in item.get("evidence", []):
            evidence.append(
                {
                    **piece,
                    "kind_label": EvidenceKind(piece["kind"]).label if piece.get("kind") in EvidenceKind.values else "",
                    "added_at": parse_datetime(piece["added_at"]) if piece.get("added_at") else None,
                    "added_by_name": (piece.get("added_by") or {}).get("name", ""),
                }
            )
        status = item.get("status", "")
        req = item.get("requirement", "")
        rows.append(
            {
                "code": item.get("code", ""),
                "text": localized(item.get("text_en", ""), item.get("text_zh_hant", "")),
                "status": status,
                "status_label": ItemStatus(status).label if status in ItemStatus.values else status,
                "requirement": req,
                "requirement_label": Requirement(req).label if req in Requirement.values else req,
                "justification": item.get("justification", ""),
                "completed_by": (item.get("completed_by") or {}).get("name", ""),
                "completed_at": parse_datetime(item["completed_at"]) if item.get("completed_at") else None,
                "evidence": evidence,
            }
        )
    return rows


@login_required
def review_detail(request, pk: int):
    user = request.user
    review = get_object_or_404(
        restrict_related(GateReview.objects.all(), user).select_related(
            "project", "project__bd", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    project = review.project
    may_decide = (
        review.status == ReviewStatus.PENDING
        and can(user, Permission.DECIDE_GATE_REVIEW, project)
        and user.org_unit_id == project.bd_id
        and user.pk != review.requested_by_id
    )
    form = DecisionForm(request.POST if request.method == "POST" else None, stage=review.stage)
    if request.method == "POST":
        if (
            not may_decide
            and review.status == ReviewStatus.PENDING
            and can(user, Permission.DECIDE_GATE_REVIEW, project)
        ):
            form.is_valid()
            form.add_error(None, _("You requested this review: another approver must decide it."))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "approve":
                    approve_gate_review(review=review, by=user, comment=data["comment"])
                    message = _("Gate %(gate)s approved.") % {"gate": stage_number(review.stage)}
                else:
                    return_gate_review(
                        review=review, by=user, comment=data["comment"], rework_to_stage=data["rework_to_stage"]
                    )
                    message = _("Gate %(gate)s returned with your comments.") % {"gate": stage_number(review.stage)}
            except ActionRefused as error:
                if error.field == "reason":
                    error.field = "comment"
                add_errors(form, error)
            else:
                messages.success(request, message)
                return redirect("lifecycle:review_queue")
    snapshot = review.submitted_snapshot or {}
    context = {
        "review": review,
        "project": project,
        "items": snapshot_items(snapshot),
        "snapshot_taken_at": parse_datetime(snapshot["taken_at"]) if snapshot.get("taken_at") else None,
        "form": form,
        "may_decide": may_decide,
        "gate_number": stage_number(review.stage),
    }
    return render(request, "lifecycle/review_detail.html", context)


@login_required
def project_gate_reviews(request, pk: int):
    project = get_project(request, pk)
    reviews = GateReview.objects.filter(project=project).select_related("requested_by", "decided_by")
    return render(
        request,
        "lifecycle/project_gate_reviews.html",
        {"project": project, "reviews": reviews, "tab": "gate_reviews"},
    )
