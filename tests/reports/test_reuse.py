"""Learning across B/Ds: who uses a solution, category or vendor — projects in scope one by one,
the others only as numbers per B/D, never a title or a code."""

import pytest
from django.urls import reverse

from adoption.choices import ScopeLevel
from adoption.models import CatalogueSolution, Vendor
from reports.reuse import CATEGORY, SOLUTION, VENDOR, Subject, overview, reuse_for_project, reuse_of
from tests.factories import PASSWORD, dpo_officer, make_project, management, officer

pytestmark = pytest.mark.django_db

DOCUMENTS = Subject(CATEGORY, "document_processing", "Document processing and OCR")
OUT_OF_SB = ("p5", "p6", "FEHD-2026-", "DoJ-2026-", "項目p5", "項目p6")


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_in_scope_projects_are_listed_the_others_counted(portfolio, now):
    reuse = reuse_of(user=management("SB", ScopeLevel.UNIT_TREE), subject=DOCUMENTS)
    units = [(use.unit.code, use.in_scope, use.total, use.in_operation, use.furthest) for use in reuse.units]
    assert units == [
        ("ImmD", True, 3, 1, "in_operation"),  # p7 in operation, p1 and p8 in vendor selection
        ("FEHD", False, 1, 0, "search"),
        ("DoJ", False, 1, 0, "identify"),
        ("HKPF", True, 2, 0, "on_hold"),  # p3 on hold, p4 cancelled
    ]
    assert [used.title_en for used in reuse.projects][:1] == ["p7"]  # furthest first
    assert {used.title_en for used in reuse.projects} == {"p1", "p3", "p4", "p7", "p8"}
    assert (reuse.total, reuse.projects_in_scope, reuse.outside_scope) == (7, 5, 2)
    assert all(use.realised is None for use in reuse.units if not use.in_scope)


def test_realised_benefits_show_for_projects_in_scope(portfolio, now):
    chat = Subject(SOLUTION, "HKGAI-HKCHAT", "HKChat")
    reuse = reuse_of(user=dpo_officer(), subject=chat)
    (use,) = reuse.units
    assert (use.unit.code, use.realised.staff_hours, use.in_operation) == ("ImmD", 800, 1)
    assert reuse.projects[0].realised.staff_hours == 800


def test_the_reuse_page_never_names_a_project_outside_scope(client, portfolio, now):
    login(client, management("SB", ScopeLevel.UNIT_TREE))
    response = client.get(reverse("reports:reuse"), {"category": "document_processing"})
    assert response.status_code == 200
    content = response.content.decode()
    assert ">p7<" in content
    assert "Food and Environmental Hygiene Department" in content  # the B/D, with its numbers
    for hidden in OUT_OF_SB:
        assert hidden not in content
    assert "Outside your scope" in content


def test_the_project_page_loads_the_panel_without_a_query(client, portfolio, now):
    login(client, officer("ImmD"))
    content = client.get(reverse("adoption:project_detail", args=[portfolio["p1"].pk])).content.decode()
    panel = reverse("reports:reuse_panel", args=[portfolio["p1"].pk])
    assert f'hx-get="{panel}"' in content
    assert "Other B/Ds doing this" in content
    assert "/dashboard/reuse/?category=document_processing" in content  # without JavaScript, a link


def test_the_panel_shows_other_bds_doing_this(client, portfolio, now, django_assert_num_queries):
    """An ImmD officer sees other B/Ds' document-processing projects as numbers only."""
    login(client, officer("ImmD"))
    # session, user, project; per B/D and stage (with their names, in operation, realised), projects
    with django_assert_num_queries(5):
        response = client.get(reverse("reports:reuse_panel", args=[portfolio["p1"].pk]))
    content = response.content.decode()
    assert "Other B/Ds doing this" in content
    assert "Other B/Ds: 3. Projects: 4. In operation: 0." in content  # HKPF 2, FEHD 1, DoJ 1
    assert "4 more projects are in B/Ds outside your scope." in content
    for hidden in (*OUT_OF_SB, "p3", "p4", "HKPF-2026-"):
        assert hidden not in content


def test_the_panel_of_a_project_outside_scope_is_not_found(client, portfolio, now):
    login(client, officer("ImmD"))
    assert client.get(reverse("reports:reuse_panel", args=[portfolio["p5"].pk])).status_code == 404


def test_the_panel_lists_what_the_viewer_may_see(portfolio, now):
    project = portfolio["p1"]
    (category,) = reuse_for_project(user=management("SB", ScopeLevel.UNIT_TREE), project=project)
    assert {used.title_en for used in category.projects} == {"p3", "p4"}  # HKPF: the bureau's, not ImmD's own
    assert {use.unit.code for use in category.units} == {"HKPF", "FEHD", "DoJ"}


def test_same_solution_and_vendor(portfolio, now):
    vendor = Vendor.objects.create(name_en="Example Analytics Ltd")
    fehd = officer("FEHD")
    make_project(
        by=fehd,
        title_en="Hawker licensing chatbot",
        strategy="off_the_shelf",
        category="chatbot",
        catalogue_solution=CatalogueSolution.objects.get(code="HKGAI-HKCHAT"),
        vendor=vendor,
    )
    make_project(by=officer("HKPF"), title_en="Patrol chatbot", category="chatbot", vendor=vendor)
    reuses = reuse_for_project(user=management("SB", ScopeLevel.UNIT_TREE), project=portfolio["p2"])
    assert [reuse.subject.kind for reuse in reuses] == [SOLUTION, CATEGORY]  # p2 has no vendor
    solution, category = reuses
    assert [(use.unit.code, use.in_scope) for use in solution.units] == [("FEHD", False)]
    assert solution.projects == []
    assert {used.title_en for used in category.projects} == {"Patrol chatbot"}
    by_vendor = reuse_of(user=fehd, subject=Subject(VENDOR, str(vendor.pk), vendor.name_en))
    assert {used.title_en for used in by_vendor.projects} == {"Hawker licensing chatbot"}
    assert [(use.unit.code, use.in_scope) for use in by_vendor.units] == [("FEHD", True), ("HKPF", False)]


def test_overview_counts_use_across_all_bds(portfolio, now):
    rows = {row.subject.value: row for row in overview(kind=CATEGORY)}
    documents = rows["document_processing"]
    # p1, p3, p5, p6 (hybrid), p7, p8; p4 was cancelled
    assert (documents.units, documents.projects, documents.in_operation, documents.bespoke) == (4, 6, 1, 5)
    assert (rows["chatbot"].projects, rows["chatbot"].in_operation) == (1, 1)
    solutions = overview(kind=SOLUTION)
    assert [(row.subject.value, row.units) for row in solutions] == [("HKGAI-HKCHAT", 1)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"solution": "NOPE"}, "Select a valid choice"),
        ({"category": "everything"}, "Select a valid choice"),
        ({"vendor": "abc"}, "Select a valid choice"),
        ({"category": "chatbot", "solution": "HKGAI-HKCHAT"}, "Choose one of"),
    ],
)
def test_bad_input_is_a_clear_error(client, portfolio, now, params, message):
    login(client, management("SB", ScopeLevel.UNIT_TREE))
    response = client.get(reverse("reports:reuse"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["subject"] is None


def test_queries_are_pinned(client, portfolio, now, django_assert_num_queries):
    user = management("SB", ScopeLevel.UNIT_TREE)
    login(client, user)
    # session, user; the form's solution lookup; the solution and vendor lists;
    # per B/D and stage (with their names, in operation, realised), projects
    with django_assert_num_queries(7):
        client.get(reverse("reports:reuse"), {"solution": "HKGAI-HKCHAT"})
    # session, user; the solution and vendor lists; three overviews; the solutions' names
    # (categories need no query, and no vendor is in use)
    with django_assert_num_queries(8):
        client.get(reverse("reports:reuse"))
    for number in range(3):
        make_project(by=officer("EPD"), title_en=f"More {number}")
    with django_assert_num_queries(8):
        client.get(reverse("reports:reuse"))
