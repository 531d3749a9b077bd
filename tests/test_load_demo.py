"""``manage.py load_demo``: demo logins, a deterministic portfolio, and histories that match each stage."""

import hashlib
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from adoption import demo
from adoption.choices import AdoptionStrategy, RiskTier, Role, ScopeLevel
from adoption.models import Project, User
from lifecycle import screening
from lifecycle.checklists import is_blocking, requirement
from lifecycle.choices import AuditAction, ItemStatus, Requirement, ReviewStatus
from lifecycle.models import AuditEvent, ChecklistItem, Evidence, GateReview, RiskScreening, StagePeriod, whole_days
from lifecycle.services import approve_gate_review, record_periodic_review
from lifecycle.services.gates import review_interval
from lifecycle.services.transitions import TRANSITION_EXITS
from lifecycle.snapshots import checklist_snapshot
from lifecycle.stages import LIFECYCLE_STAGES, Stage

pytestmark = pytest.mark.django_db

PROJECTS = 60
SEED = 7


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def load(projects=PROJECTS, seed=SEED) -> str:
    out = StringIO()
    call_command("load_demo", projects=projects, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def output(debug):
    return load()


def digest() -> str:
    rows = Project.objects.order_by("code").values_list(
        "code", "title_en", "title_zh_hant", "stage", "risk_tier", "bd__code", "stage_entered_at", "budget_hkd"
    )
    data = repr(list(rows)) + repr(AuditEvent.objects.count()) + repr(ChecklistItem.objects.count())
    return hashlib.sha256(data.encode()).hexdigest()


def digest_of_a_load(seed) -> str:
    """Load in a savepoint, take the digest, and roll the load back."""

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            load(seed=seed)
            result = digest()
            raise Undo
    except Undo:
        return result


def test_refused_unless_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load()
    assert not Project.objects.exists()
    assert not User.objects.filter(username__in=[spec.username for spec in demo.DEMO_USERS]).exists()


def test_one_login_per_role_with_the_printed_password(output, client):
    password = re.search(r"password for all: (\S+)", output).group(1)
    assert password == demo.DEMO_PASSWORD
    assert len(password) >= 12
    users = {user.username: user for user in User.objects.filter(username__in=[s.username for s in demo.DEMO_USERS])}
    for spec in demo.DEMO_USERS:
        user = users[spec.username]
        assert spec.username in output
        assert client.login(username=spec.username, password=password), spec.username
        client.logout()
        user.full_clean()
        assert (user.role, user.scope_level) == (spec.role, spec.scope)
        assert (user.org_unit.code if user.org_unit else None) == spec.unit
        assert user.first_name
        assert user.last_name
        assert bool(user.ai_training_completed_on) == (user.role == Role.GATE_APPROVER)
    roles = Counter(user.role for user in users.values())
    assert roles == {Role.PROJECT_OFFICER: 2, Role.GATE_APPROVER: 2, Role.MANAGEMENT: 2, Role.DPO_OFFICER: 1, "": 1}
    assert {users["officer.immd"].org_unit.code, users["officer.fehd"].org_unit.code} == {"ImmD", "FEHD"}
    assert users["officer.fehd"].org_unit.bureau.code == "EEB" != users["officer.immd"].org_unit.bureau.code
    assert (users["manager.sb"].org_unit.code, users["manager.sb"].scope_level) == ("SB", ScopeLevel.UNIT_TREE)
    assert users["manager.all"].scope_level == ScopeLevel.ALL
    dpo = users["dpo.officer"]
    assert (dpo.org_unit.code, dpo.scope_level, dpo.is_staff) == ("DPO", ScopeLevel.ALL, True)
    admin = users["admin"]
    assert admin.is_superuser
    assert admin.is_staff
    assert not admin.role
    # The demo officers of ImmD and FEHD have projects to work on.
    assert Project.objects.filter(project_officers=users["officer.immd"]).exists()
    assert Project.objects.filter(project_officers=users["officer.fehd"]).exists()


def test_running_again_adds_nothing_and_resets_the_passwords(output):
    counts = (Project.objects.count(), User.objects.count(), AuditEvent.objects.count(), GateReview.objects.count())
    officer = User.objects.get(username="officer.immd")
    officer.set_password("something-else-entirely")
    officer.save()

    again = load()

    assert "already has 60 projects" in again
    assert counts == (
        Project.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
        GateReview.objects.count(),
    )
    assert User.objects.get(username="officer.immd").check_password(demo.DEMO_PASSWORD)


def test_asking_for_more_projects_adds_the_difference(output):
    load(projects=PROJECTS + 15)
    assert Project.objects.count() == PROJECTS + 15
    codes = list(Project.objects.values_list("code", flat=True))
    assert len(set(codes)) == len(codes)


def test_the_same_seed_gives_the_same_portfolio(debug):
    first = digest_of_a_load(SEED)
    assert not Project.objects.exists()
    assert digest_of_a_load(SEED) == first
    assert digest_of_a_load(SEED + 1) != first


def test_a_realistic_spread_of_projects(output):
    projects = list(Project.objects.select_related("bd"))
    stages = Counter(project.stage for project in projects)
    assert {Stage.IDENTIFY, Stage.SEARCH, Stage.DEPLOY_IMPROVE} <= set(stages)
    assert stages[Stage.IDENTIFY] + stages[Stage.SEARCH] > stages[Stage.TEST_VALIDATE] + stages[Stage.RETIRED]
    assert len({project.bd_id for project in projects}) > 15
    assert len({project.strategy for project in projects}) == 3
    assert len({project.category for project in projects}) > 5
    assert len({project.title_en for project in projects}) > 50
    assert all(project.title_en and project.title_zh_hant for project in projects)
    for project in projects:
        assert re.fullmatch(rf"{re.escape(project.bd.code)}-\d{{4}}-\d{{4}}", project.code)
        assert project.code.split("-")[-2] == str(project.start_date.year)
    assert any(project.in_operation_since for project in projects)
    assert any(project.catalogue_solution_id for project in projects)
    assert any(project.vendor_id for project in projects)


def test_projects_are_valid_and_their_people_fit(output):
    for project in Project.objects.select_related("bd", "responsible_officer").prefetch_related("project_officers"):
        project.full_clean()
        assert project.responsible_officer.role == Role.GATE_APPROVER
        assert project.responsible_officer.org_unit_id == project.bd_id
        officers = list(project.project_officers.all())
        assert 1 <= len(officers) <= 2
        assert all(o.role == Role.PROJECT_OFFICER and o.org_unit_id == project.bd_id for o in officers)
        assert project.created_by in officers
        if project.strategy == AdoptionStrategy.BESPOKE:
            assert project.catalogue_solution_id is None
        if project.budget_hkd is None:
            assert project.spend_to_date_hkd == 0
        assert project.checklist_template_version == 1
        assert project.created_at <= project.stage_entered_at <= project.updated_at


def test_screenings_agree_with_the_tier_and_flags(output):
    screenings = {s.project_id: s for s in RiskScreening.objects.all()}
    for project in Project.objects.all():
        result = screenings.get(project.pk)
        if project.risk_tier == RiskTier.UNSCREENED:
            assert result is None
            assert project.stage == Stage.IDENTIFY
            continue
        assert screening.validate_answers(result.answers) == result.answers
        assert screening.score(result.answers) == (project.risk_tier, result.reasons) == (result.tier, result.reasons)
        flags = screening.profile_flags(result.answers)
        assert flags == {name: getattr(project, name) for name in flags}
        if project.risk_tier == RiskTier.PROHIBITED:
            assert not project.gate_reviews.exists()


def test_every_history_matches_its_stage(output):
    """The invariants the services keep, checked for every generated project."""
    projects = {p.pk: p for p in Project.objects.all()}
    users = {u.pk: u for u in User.objects.all()}
    periods, changes, reviews, items, audit = (defaultdict(list) for _ in range(5))
    for period in StagePeriod.objects.order_by("entered_at", "id"):
        periods[period.project_id].append(period)
    for event in AuditEvent.objects.order_by("at", "id"):
        audit[event.project_id].append(event)
        if event.action == AuditAction.STAGE_CHANGED:
            changes[event.project_id].append(event)
    for review in GateReview.objects.order_by("requested_at", "id"):
        reviews[review.project_id].append(review)
    for item in ChecklistItem.objects.select_related("template_item"):
        items[item.project_id].append(item)
    evidence = Counter(Evidence.objects.values_list("checklist_item_id", flat=True))
    stalled = 0

    for pk, project in projects.items():
        profile = project.profile
        visits = periods[pk]
        # One open period, for the current stage; the chain of periods is the chain of stage changes.
        assert [period.exited_at is None for period in visits] == [False] * (len(visits) - 1) + [True]
        assert visits[-1].stage == project.stage
        assert project.stage_entered_at == visits[-1].entered_at
        assert len(changes[pk]) == len(visits) - 1
        for before, after, change in zip(visits, visits[1:], changes[pk], strict=False):
            assert (change.from_stage, change.to_stage) == (before.stage, after.stage)
            assert before.entered_at < before.exited_at == after.entered_at == change.at
            assert before.exit == TRANSITION_EXITS[change.details["transition"]]
            assert before.days == whole_days(before.entered_at, before.exited_at)
        assert visits[-1].days is None
        assert visits[0].stage == Stage.IDENTIFY
        assert visits[0].entered_at == project.created_at

        # Every passed gate has an approved review, decided by another approver of the same B/D.
        passed = {before.stage for before in visits[:-1] if before.exit == "advanced"}
        if project.in_operation_since:
            passed.add(Stage.DEPLOY_IMPROVE)
            # Kept as start_operation keeps it: from the day the last stage was entered, that time.
            (entered,) = [
                timezone.localdate(period.entered_at)
                for period in visits
                if period.stage == Stage.DEPLOY_IMPROVE
                and timezone.localdate(period.entered_at) <= project.in_operation_since
                and (period.exited_at is None or timezone.localdate(period.exited_at) >= project.in_operation_since)
            ]
            assert project.days_to_operation == (project.in_operation_since - entered).days
        else:
            assert project.days_to_operation is None
        by_stage = defaultdict(list)
        for item in items[pk]:
            by_stage[item.stage].append(item)
        for stage in passed:
            approved = [r for r in reviews[pk] if r.stage == stage and r.status == ReviewStatus.APPROVED]
            assert approved, (project.code, stage)
            assert not [item for item in by_stage[stage] if is_blocking(item, profile)], (project.code, stage)
            requested = max(review.requested_at for review in approved)
            assert all(item.completed_at <= requested for item in by_stage[stage] if item.completed_at)
        for review in reviews[pk]:
            requester = users[review.requested_by_id]
            assert requester.role == Role.PROJECT_OFFICER
            assert requester.org_unit_id == project.bd_id
            assert review.submitted_snapshot["stage"] == review.stage
            if review.status == ReviewStatus.PENDING:
                assert review.decided_by_id is None
                assert review.stage == project.stage
                assert not [item for item in by_stage[review.stage] if is_blocking(item, profile)]
                continue
            decider = users[review.decided_by_id]
            assert decider.role == Role.GATE_APPROVER
            assert decider.org_unit_id == project.bd_id
            assert decider.pk != requester.pk
            assert review.requested_at < review.decided_at
            assert review.decision_snapshot["items"] == review.submitted_snapshot["items"]
        assert len([r for r in reviews[pk] if r.status == ReviewStatus.PENDING]) <= 1

        # A checklist for each lifecycle stage visited, with evidence behind every item done.
        visited = {period.stage for period in visits} & set(LIFECYCLE_STAGES)
        assert set(by_stage) == visited
        for item in items[pk]:
            assert requirement(item.template_item.applies, profile) != Requirement.NOT_REQUIRED
            if item.status == ItemStatus.OPEN:
                assert item.completed_by_id is None
                assert item.completed_at is None
                continue
            assert users[item.completed_by_id].org_unit_id == project.bd_id
            assert project.created_at <= item.completed_at <= project.updated_at
            if item.status == ItemStatus.DONE:
                assert evidence[item.pk] >= 1
            else:
                assert item.template_item.na_allowed
                assert item.justification

        # The audit trail has one row per action, as the services write them.
        actions = Counter(event.action for event in audit[pk])
        assert audit[pk][0].action == AuditAction.PROJECT_CREATED
        assert actions[AuditAction.PROJECT_CREATED] == 1
        assert actions[AuditAction.CHECKLIST_CREATED] == len(visited)
        assert actions[AuditAction.ITEM_DONE] == sum(item.status == ItemStatus.DONE for item in items[pk])
        assert actions[AuditAction.ITEM_NOT_APPLICABLE] == sum(
            item.status == ItemStatus.NOT_APPLICABLE for item in items[pk]
        )
        assert actions[AuditAction.GATE_REQUESTED] == len(reviews[pk])
        assert actions[AuditAction.GATE_APPROVED] == len([r for r in reviews[pk] if r.status == "approved"])
        assert actions[AuditAction.RISK_SCREENED] == (project.risk_tier != RiskTier.UNSCREENED)
        assert actions[AuditAction.OPERATION_STARTED] == (Stage.DEPLOY_IMPROVE in passed)
        assert audit[pk][-1].at == project.updated_at

        # Side states and life in operation.
        if project.stage == Stage.ON_HOLD:
            assert project.held_from_stage == visits[-2].stage
        else:
            assert project.held_from_stage == ""
        assert bool(project.closure_reason) == (project.stage in (Stage.CANCELLED, Stage.RETIRED))
        if project.stage == Stage.RETIRED:
            assert project.in_operation_since is not None
        if project.in_operation_since:
            assert project.next_periodic_review_due is not None
            last = project.periodic_reviews.order_by("-review_date").first()
            since = last.review_date if last else project.in_operation_since
            assert project.next_periodic_review_due == since + review_interval(project.risk_tier)
        if project.stage in LIFECYCLE_STAGES and not project.in_operation_since:
            stalled += (demo.base_now() - project.stage_entered_at).days > 120

    assert stalled > 0


def test_snapshots_are_what_the_service_would_take(output):
    """For passed gates, the stored decision snapshot equals a snapshot taken now (apart from the time)."""
    checked = 0
    for review in GateReview.objects.filter(status=ReviewStatus.APPROVED).select_related("project")[:40]:
        project = review.project
        latest = project.gate_reviews.filter(stage=review.stage, status=ReviewStatus.APPROVED).order_by("-decided_at")
        if latest.first() != review:
            continue
        now = checklist_snapshot(project, review.stage)
        stored = dict(review.decision_snapshot)
        assert stored.pop("taken_at") == review.decided_at.isoformat()
        now.pop("taken_at")
        assert stored == now, project.code
        checked += 1
    assert checked > 10


def test_the_services_carry_on_from_the_demo_state(output):
    pending = GateReview.objects.filter(status=ReviewStatus.PENDING).select_related("project").first()
    project = pending.project
    approver = (
        User.objects.filter(role=Role.GATE_APPROVER, org_unit=project.bd).exclude(pk=pending.requested_by_id).first()
    )
    stage = project.stage
    approve_gate_review(review=pending, by=approver)
    project.refresh_from_db()
    assert project.stage != stage or project.in_operation_since is not None

    running = Project.objects.filter(stage=Stage.DEPLOY_IMPROVE, in_operation_since__isnull=False).first()
    record_periodic_review(
        project=running,
        by=running.responsible_officer,
        review_date=running.in_operation_since,
        kpi_results="On target.",
        outcome="met",
        decision="continue",
    )
