"""Fixtures for the page tests: a small ImmD portfolio made through the services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lifecycle.models import ChecklistItem
from lifecycle.services import add_evidence, open_incident, record_periodic_review, request_gate_review
from tests.factories import approver, complete_stage, make_project, officer, pass_gate, pdf_upload, screen


def count_queries(client, url, method="get", **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, **kwargs)
    return len(context.captured_queries), response


@pytest.fixture
def people(db):
    return {"officer": officer(), "approver": approver(), "approver2": approver()}


def grow_portfolio(people, count: int):
    """``count`` projects of the officer's B/D, each with evidence, some waiting for a gate review,
    one in operation with periodic reviews and incidents."""
    author, first, second = people["officer"], people["approver"], people["approver2"]
    projects = []
    for number in range(count):
        project = make_project(by=author, title_en=f"Project {number}")
        screen(project, author, generative_ai=True, genai_output_to_public=False)
        project.refresh_from_db()
        for item in ChecklistItem.objects.filter(project=project, status="open")[:3]:
            add_evidence(item=item, by=author, note="Minutes", upload=pdf_upload())
        if number % 2:
            complete_stage(project, author)
            request_gate_review(project=project, by=author)
        projects.append(project)
    live = make_project(by=author, title_en="In operation")
    for _ in range(5):
        pass_gate(live, officer_user=author, approver_user=first if _ % 2 else second)
    for day in range(count):
        record_periodic_review(
            project=live,
            by=author,
            review_date=timezone.localdate(),
            kpi_results="On target",
            outcome="met",
            decision="continue",
        )
        open_incident(
            project=live,
            by=author,
            kind="anomaly",
            severity="low",
            title=f"Incident {day}",
            description="Odd output",
            occurred_at=timezone.now(),
        )
    projects.append(live)
    return projects
