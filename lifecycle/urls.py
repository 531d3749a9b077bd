from django.urls import path

from lifecycle.views import actions, checklist, documents, operation, reviews

app_name = "lifecycle"

urlpatterns = [
    path("projects/<int:pk>/items/<int:item_pk>/", checklist.item_page, name="item"),
    path("projects/<int:pk>/items/<int:item_pk>/evidence/", checklist.item_evidence, name="item_evidence"),
    path(
        "projects/<int:pk>/items/<int:item_pk>/not-applicable/",
        checklist.item_not_applicable,
        name="item_not_applicable",
    ),
    path("projects/<int:pk>/items/<int:item_pk>/reopen/", checklist.item_reopen, name="item_reopen"),
    path("projects/<int:pk>/evidence/<int:evidence_pk>/remove/", checklist.evidence_remove, name="evidence_remove"),
    path("projects/<int:pk>/actions/<slug:name>/", actions.project_action, name="project_action"),
    path("projects/<int:pk>/gate-reviews/", reviews.project_gate_reviews, name="project_gate_reviews"),
    path("projects/<int:pk>/periodic-reviews/", operation.periodic_reviews, name="periodic_reviews"),
    path("projects/<int:pk>/incidents/", operation.incidents, name="incidents"),
    path("projects/<int:pk>/incidents/<int:incident_pk>/", operation.incident_detail, name="incident"),
    path("projects/<int:pk>/documents/", documents.documents, name="documents"),
    path("projects/<int:pk>/timeline/", documents.project_timeline, name="timeline"),
    path("evidence/<int:pk>/download/", documents.evidence_download, name="evidence_download"),
    path("reviews/", reviews.review_queue, name="review_queue"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review"),
]
