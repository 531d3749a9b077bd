"""The dashboard page: figures within scope, drill-downs that list exactly the projects counted,
a pinned number of queries, the cache and its invalidation, bad input."""

import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.http import QueryDict
from django.test import override_settings
from django.utils import translation

from adoption.choices import ScopeLevel
from adoption.filters import ProjectFilter
from adoption.models import Project
from adoption.roles import Permission
from lifecycle.models import GateReview
from lifecycle.services import approve_gate_review
from reports.portfolio import QUERIES, QUERIES_AT_A_PAST_MOMENT
from tests.factories import PASSWORD, UserFactory, dpo_officer, make_project, management, officer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sketched_charts")]

DASHBOARD = "/dashboard/"
# Session and user, then the figures; the filter form's B/D lists come from the figures.
REQUEST_QUERIES = 2


class Links(HTMLParser):
    """Every link of a page: (href, text); ``regions`` maps a link to the table region it is in."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.regions: dict[tuple[str, str], str] = {}
        self._open: list[list] = []
        self._region = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "region":
            self._region = attrs.get("aria-labelledby", "")
        if tag == "a":
            self._open.append([attrs.get("href", ""), "", self._region])

    def handle_data(self, data):
        for link in self._open:
            link[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, text, region = self._open.pop()
            self.links.append((href, " ".join(text.split())))
            self.regions[self.links[-1]] = region


def links_of(response, *, counts_only: bool = False) -> list[tuple[str, str]]:
    """The page's links; ``counts_only`` leaves out the benefits table, whose numbers are hours and dollars."""
    parser = Links()
    parser.feed(response.content.decode())
    if counts_only:
        return [link for link in parser.links if parser.regions[link] != "benefits-caption"]
    return parser.links


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def listed(user, href: str) -> int:
    """How many projects the project list shows for a drill-down link (the shared filters, in scope)."""
    query = QueryDict(urlsplit(href).query)
    filterset = ProjectFilter(query, queryset=Project.objects.restrict(user, Permission.VIEW_PROJECT))
    assert not filterset.errors, (href, filterset.errors)
    return filterset.qs.count()


def first_number(text: str) -> int | None:
    match = re.match(r"^([\d,]+)\b", text)
    return int(match[1].replace(",", "")) if match else None


@pytest.fixture
def dpo(portfolio):
    return dpo_officer()


def test_every_number_drills_down_to_the_projects_it_counts(client, portfolio, now, dpo):
    login(client, dpo)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    checked = 0
    for href, text in links_of(response, counts_only=True):
        if not href.startswith("/projects/?"):
            continue
        params = parse_qs(urlsplit(href).query)
        number = first_number(text)
        # Stage changes and gates passed count events: a project may pass two gates in a quarter.
        if number is None or {"moved", "passed_gate"} & set(params):
            continue
        assert listed(dpo, href) == number, (href, text)
        checked += 1
    assert checked > 40


def test_stage_change_and_cycle_time_links_list_the_projects_behind_them(client, portfolio, now, dpo):
    login(client, dpo)
    hrefs = {href for href, _ in links_of(client.get(DASHBOARD))}
    assert "/projects/?moved=reworked&moved_in=2026Q1" in hrefs
    assert listed(dpo, "/projects/?moved=reworked&moved_in=2026Q1") == 1
    assert "/projects/?passed_gate=search" in hrefs
    assert listed(dpo, "/projects/?passed_gate=search") == 5  # six gates passed: p8 passed it twice


def test_key_figures_on_the_page(client, portfolio, now, dpo):
    login(client, dpo)
    page = {text: href for href, text in links_of(client.get(DASHBOARD))}
    assert page["7 Active projects"] == "/projects/?segment=active"
    assert page["3 Stalled"] == "/projects/?segment=stalled"
    assert page["1 Periodic reviews overdue"] == "/projects/?segment=periodic_review_overdue"
    assert page["1 Projects with open incidents"] == "/projects/?segment=with_open_incidents"
    assert page["2 Gates due"] == "/projects/?segment=gate_due"


def test_filters_narrow_every_figure_and_links_keep_them(client, portfolio, now, dpo):
    login(client, dpo)
    response = client.get(DASHBOARD, {"bureau": "SB", "stage": "vendor_selection"})
    page = {text: href for href, text in links_of(response)}
    assert page["2 Active projects"] == "/projects/?bureau=SB&segment=active&stage=vendor_selection"
    assert page["2 Stalled"] == "/projects/?bureau=SB&segment=stalled&stage=vendor_selection"
    assert response.context["figures"].total == 2


def test_a_past_quarter_shows_the_portfolio_as_it_stood(client, portfolio, now, dpo):
    login(client, dpo)
    response = client.get(DASHBOARD, {"quarter": "2026Q2"})
    assert "Figures as at the end of 2026 Q2." in response.content.decode()
    figures = response.context["figures"]
    assert (figures.total, figures.stalled, figures.in_operation) == (8, 1, 2)
    for href, text in links_of(response, counts_only=True):
        number = first_number(text)
        if href.startswith("/projects/?") and number is not None and "moved" not in href and "passed_gate" not in href:
            assert "quarter=2026Q2" in href
            assert listed(dpo, href) == number, (href, text)


# Scope.


@pytest.mark.parametrize(
    ("who", "total"),
    [
        (lambda: management("SB", ScopeLevel.UNIT_TREE), 7),  # ImmD and HKPF
        (lambda: management("ImmD", ScopeLevel.OWN_UNIT), 4),
        (lambda: management("EEB", ScopeLevel.UNIT_TREE), 1),  # FEHD
        (lambda: management(None, ScopeLevel.ALL), 9),
        (lambda: dpo_officer(), 9),
        (lambda: officer("HKPF"), 3),
    ],
)
def test_each_sees_the_figures_of_their_scope(client, portfolio, now, who, total):
    user = who()
    login(client, user)
    assert client.get(DASHBOARD).context["figures"].total == total


@pytest.mark.parametrize(
    "params",
    [
        {"bd": "FEHD"},
        {"bureau": "EEB"},
        {"bd": "DoJ"},
        {"bureau": "EEB", "bd": "FEHD"},
        {"bd": "FEHD", "quarter": "2026Q2"},
        {"bureau": "EEB", "segment": "awaiting_gate_review"},
    ],
)
def test_another_bureaus_figures_never_show_through_a_filter(client, portfolio, now, params):
    """A bureau's management naming another bureau or B/D gets its own scope ∩ that: nothing."""
    user = management("SB", ScopeLevel.UNIT_TREE)
    login(client, user)
    response = client.get(DASHBOARD, params)
    figures = response.context["figures"]
    assert figures.total == 0
    assert figures.per_unit == {}
    assert figures.open_incidents_by_severity == {}
    assert all(cycle.count == 0 for cycle in figures.cycle_times)
    assert all(row.registered == 0 and not row.by_exit for row in figures.quarters)
    content = response.content.decode()
    for other in ("p5", "p6", "項目p5"):
        assert f">{other}<" not in content


def test_cached_figures_are_never_shared_between_scopes(client, portfolio, now):
    security, environment = management("SB", ScopeLevel.UNIT_TREE), management("EEB", ScopeLevel.UNIT_TREE)
    login(client, security)
    assert client.get(DASHBOARD).context["figures"].total == 7
    login(client, environment)
    assert client.get(DASHBOARD).context["figures"].total == 1


def test_the_filter_form_offers_only_units_in_scope(client, portfolio, now):
    login(client, management("SB", ScopeLevel.UNIT_TREE))
    fields = {field.name: field for field in client.get(DASHBOARD).context["fields"]}
    codes = {code for code, _ in fields["bd"].options}
    assert {"SB", "ImmD", "HKPF"} <= codes
    assert "FEHD" not in codes
    assert [code for code, _ in fields["bureau"].options] == ["SB"]


def test_only_roles_with_the_dashboard_may_open_it(client, portfolio):
    assert client.get(DASHBOARD).status_code == 302  # to sign in
    no_role = UserFactory(role="", org_unit=None)
    login(client, no_role)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get("/dashboard/reuse/").status_code == 403
    assert "/dashboard/" not in client.get("/projects/").content.decode()
    login(client, management("SB", ScopeLevel.UNIT_TREE))
    assert 'href="/dashboard/"' in client.get("/projects/").content.decode()


# Bad input.


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"quarter": "2026Q7"}, "quarter"),
        ({"quarter": "2099Q1"}, "quarter"),
        ({"stage": "nowhere"}, "stage"),
        ({"bd": "NOPE"}, "bd"),
        ({"segment": "<script>"}, "segment"),
        ({"strategy": "x", "genai": "maybe"}, "strategy"),
    ],
)
def test_a_bad_filter_is_reported_and_ignored(client, portfolio, now, dpo, params, field):
    login(client, dpo)
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    assert field in response.context["errors"]
    assert response.context["figures"].total == 9
    content = response.content.decode()
    assert "Some filters were not applied" in content
    assert "<script>" not in content


def test_empty_filters_are_dropped_from_the_address(client, portfolio, now, dpo):
    login(client, dpo)
    response = client.get(DASHBOARD, {"quarter": "", "bureau": "SB", "stage": ""})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/?bureau=SB"


# Queries and cache.


@override_settings(TRACKER_DASHBOARD_CACHE_SECONDS=0)
def test_the_number_of_queries_is_pinned_and_does_not_grow(client, portfolio, now, dpo, django_assert_num_queries):
    login(client, dpo)
    client.get(DASHBOARD)  # charts drawn once; the same data is never drawn again
    with django_assert_num_queries(REQUEST_QUERIES + QUERIES):
        client.get(DASHBOARD)
    with django_assert_num_queries(REQUEST_QUERIES + QUERIES + 1):  # + looking up the bureau by its code
        client.get(DASHBOARD, {"bureau": "SB", "segment": "active"})
    author = officer("EPD")
    for number in range(4):
        make_project(by=author, title_en=f"More {number}")
    with django_assert_num_queries(REQUEST_QUERIES + QUERIES):
        response = client.get(DASHBOARD)
    assert response.context["figures"].total == 13


def test_a_cached_page_costs_no_figure_queries(client, portfolio, now, dpo, django_assert_num_queries):
    def main(response) -> str:
        return response.content.decode().split("<main", 1)[1]

    login(client, dpo)
    first = main(client.get(DASHBOARD))
    with django_assert_num_queries(REQUEST_QUERIES):
        assert main(client.get(DASHBOARD)) == first
    with django_assert_num_queries(REQUEST_QUERIES + QUERIES_AT_A_PAST_MOMENT):
        client.get(DASHBOARD, {"quarter": "2026Q2"})  # another page: computed, then kept
    with django_assert_num_queries(REQUEST_QUERIES):
        client.get(DASHBOARD, {"quarter": "2026Q2"})


def test_a_transition_shows_at_once(client, portfolio, now, dpo, django_capture_on_commit_callbacks):
    login(client, dpo)
    assert card(client.get(DASHBOARD), "Gate reviews waiting") == 1
    assert card(client.get(DASHBOARD), "Gate reviews waiting") == 1  # now from the cache
    review = GateReview.objects.get(project=portfolio["p5"], status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        approve_gate_review(review=review, by=portfolio.people["FEHD"]["approver"])
    response = client.get(DASHBOARD)
    assert card(response, "Gate reviews waiting") == 0
    assert response.context["figures"].by_stage["vendor_selection"] == 3


def card(response, label: str) -> int:
    """The number on a key figure's card, read from the page as the user reads it."""
    return next(first_number(text) for _, text in links_of(response) if text.endswith(f" {label}"))


@override_settings(TRACKER_DASHBOARD_CACHE_SECONDS=300)
def test_figures_that_move_with_the_clock_are_never_older_than_the_cache(client, portfolio, dpo):
    """p5 entered search on 10 May: it becomes stalled 120 days later, on 7 Sep."""
    login(client, dpo)
    moment = portfolio["p5"].stage_entered_at + timedelta(days=120) - timedelta(seconds=60)
    with time_machine.travel(moment, tick=False):
        assert card(client.get(DASHBOARD), "Stalled") == 3
    with time_machine.travel(moment + timedelta(seconds=120), tick=False):
        assert card(client.get(DASHBOARD), "Stalled") == 3  # the page from the cache, 2 minutes old
    with time_machine.travel(moment + timedelta(seconds=301), tick=False):
        assert card(client.get(DASHBOARD), "Stalled") == 4


def test_a_cached_page_is_per_language(client, portfolio, now, dpo):
    login(client, dpo)
    assert "Key figures" in client.get(DASHBOARD).content.decode()
    dpo.language = "zh-hant"
    dpo.save()
    assert "主要數字" in client.get(DASHBOARD).content.decode()


# Languages and charts.


def test_the_dashboard_in_chinese(client, portfolio, now, dpo):
    dpo.language = "zh-hant"
    dpo.save()
    login(client, dpo)
    with translation.override("zh-hant"):
        content = client.get(DASHBOARD).content.decode()
    assert 'lang="zh-Hant-HK"' in content
    assert "識別機遇" in content  # the stage short label, in the chart and its table
    assert "保安局" in content  # the bureau's Chinese name on the pipeline chart


def test_every_chart_has_a_captioned_data_table(client, portfolio, now, dpo):
    login(client, dpo)
    response = client.get(DASHBOARD)
    content = response.content.decode()
    for chart in response.context["charts"]:
        assert f'id="{chart.id}-title"' in content
        assert f'id="{chart.id}-caption"' in content
        if chart.svg:
            assert 'aria-hidden="true"' in chart.svg
    assert content.count("<svg") == len([chart for chart in response.context["charts"] if chart.svg]) == 6


def test_the_same_drill_down_parameters_work_on_a_project_filter_for_every_role(portfolio, now):
    officer_user = officer("ImmD")
    assert listed(officer_user, "/projects/?segment=stalled") == 2
