"""Random sequences of lifecycle actions by random people never break the lifecycle's rules.

A hypothesis state machine drives one project with the services: working the checklist,
screening, requesting, approving, returning (with or without rework) and withdrawing gate
reviews, holding, resuming, cancelling, retiring and recording periodic reviews, each time
as one of: two officers and two approvers of the project's B/D, an approver of another B/D,
management and a DPO officer. After every step it checks that

- stages are never skipped: each stage change goes to the next stage, on hold, cancelled or
  retired, or back (rework, or resuming to the stage the project left);
- every stage change has exactly one audit row, and the stage periods follow the same chain;
- a cancelled or retired project stays so;
- only an approver of the project's B/D who did not request a review decides it or moves the
  project on;
- the audit trail only grows: no row disappears or changes;
- a refused action changes nothing at all.

Each example starts from one of six projects (one in each stage, one in operation), taken
there through the services once for the whole test, and runs inside a savepoint that is
rolled back, so examples do not see each other.
"""

import json

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from adoption.choices import Role, ScopeLevel
from adoption.models import Project
from lifecycle.choices import AuditAction, ReviewStatus
from lifecycle.errors import ActionRefused
from lifecycle.models import AuditEvent, ChecklistItem, GateReview, StagePeriod
from lifecycle.screening import QUESTION_KEYS
from lifecycle.services import (
    approve_gate_review,
    blocking_items,
    cancel_project,
    complete_item,
    hold_project,
    mark_not_applicable,
    record_periodic_review,
    reopen_item,
    request_gate_review,
    resume_project,
    retire_project,
    return_gate_review,
    screen_risk,
    withdraw_gate_review,
)
from lifecycle.stages import ACTIVE_STAGES, LIFECYCLE_STAGES, TERMINAL_STAGES, Stage, earlier_stages, next_stage
from tests.factories import approver, bring_to_stage, dpo_officer, make_project, management, officer, put_in_operation
from tests.lifecycle.assertions import project_state, rows_of

pytestmark = pytest.mark.django_db

OFFICERS = ("officer", "officer2")
APPROVERS = ("approver", "approver2")
STAFF = (*OFFICERS, *APPROVERS)


def mostly(likely, others, share: int = 70):
    """``share`` % of the draws from ``likely``, the rest from ``others``.

    Hypothesis leans towards the ends of a range, so this draws a number from 0 to 99 and maps
    its lower part to the likely values, rather than listing values with repeats.
    """
    return st.integers(0, 99).map(lambda n: likely[n % len(likely)] if n < share else others[n % len(others)])


# Everyone acts; the people who can move the project on act more often, so that runs get far.
ANY_ONE = mostly(STAFF, ("outsider", "management", "dpo"))
OFFICER_MOSTLY = mostly(OFFICERS, (*APPROVERS, "outsider", "management", "dpo"))
REASONS = mostly(["Agreed at the steering committee"], ["", "  "], share=80)
ANSWERS = st.fixed_dictionaries(
    {
        key: st.integers(0, 9).map(lambda n: n == 5) if key == "unacceptable_use" else st.booleans()
        for key in QUESTION_KEYS
    }
)
# Cancelling ends a run: keep it rare, so that most runs live long enough to reach operation.
PROJECT_ACTIONS = mostly(["hold", "resume", "retire", "periodic_review"], ["cancel"], share=90)
DECISIONS = mostly(["approve"], ["return", "rework", "return", "withdraw"], share=50)
CHECKLIST_ACTIONS = st.sampled_from(["complete", "not_applicable", "reopen", "screen"])
STARTS = st.sampled_from([*LIFECYCLE_STAGES, "in_operation"])


AUDIT_COLUMNS = ("id", "at", "actor", "action", "from_stage", "to_stage", "reason", "details")


def audit_rows(project) -> list[tuple]:
    """The project's audit trail, oldest first, with the details decoded."""
    rows = rows_of(AuditEvent, AUDIT_COLUMNS, "project_id = %s", [project.pk])
    return [(*row[:-1], json.loads(row[-1]) if isinstance(row[-1], str) else row[-1]) for row in rows]


def machine_for(people: dict, starts: dict):
    by_pk = {person.pk: person for person in people.values()}

    class LifecycleMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()
            self.project = self.audit = None

        @initialize(start=STARTS)
        def start_somewhere_in_the_lifecycle(self, start):
            """Begin at any point: swarm testing switches rules off at random, so runs alone rarely get far."""
            self.project = Project.objects.get(pk=starts[start].pk)
            self.audit = audit_rows(self.project)

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        # Acting.

        def attempt(self, action, *, must_refuse: bool = False):
            """Do the action; a refusal must leave everything as it was."""
            before = project_state(self.project)
            try:
                action()
            except ActionRefused:
                assert project_state(self.project) == before, "a refused action changed something"
            else:
                assert not must_refuse, "an action that had to be refused succeeded"
            self.project.refresh_from_db()

        def closed(self) -> bool:
            return self.project.stage in TERMINAL_STAGES

        def item(self, index: int):
            items = list(ChecklistItem.objects.filter(project=self.project).order_by("pk"))
            return items[index % len(items)]

        def review(self):
            """The pending review if there is one, else the latest decided one (to try deciding it again)."""
            reviews = GateReview.objects.filter(project=self.project)
            return reviews.filter(status=ReviewStatus.PENDING).first() or reviews.order_by("pk").last()

        def outsider(self, who: str) -> bool:
            return who in ("outsider", "management", "dpo")

        @rule(
            who=OFFICER_MOSTLY,
            action=CHECKLIST_ACTIONS,
            index=st.integers(0, 40),
            reason=REASONS,
            answers=ANSWERS,
        )
        def work_on_the_checklist(self, who, action, index, reason, answers):
            """Complete, mark not applicable or reopen one item, or screen the project again."""
            must_refuse = self.closed() or self.outsider(who)
            item = self.item(index)
            if action == "complete":
                self.attempt(lambda: complete_item(item=item, by=people[who], note=reason), must_refuse=must_refuse)
            elif action == "not_applicable":
                self.attempt(
                    lambda: mark_not_applicable(item=item, by=people[who], justification=reason),
                    must_refuse=must_refuse or not reason.strip(),
                )
            elif action == "reopen":
                self.attempt(lambda: reopen_item(item=item, by=people[who], reason=reason), must_refuse=must_refuse)
            else:
                self.attempt(
                    lambda: screen_risk(project=self.project, by=people[who], answers=answers), must_refuse=must_refuse
                )

        @rule(who=st.sampled_from(OFFICERS))
        def get_ready_and_request_the_gate_review(self, who):
            """The usual path: an officer screens if needed, completes what blocks the gate, and asks for review."""
            if self.project.risk_tier == "unscreened":
                answers = dict.fromkeys(QUESTION_KEYS, False)
                self.attempt(lambda: screen_risk(project=self.project, by=people[who], answers=answers))
            for item in blocking_items(self.project, self.project.stage):
                self.attempt(lambda item=item: complete_item(item=item, by=people[who], note="Done"))
            self.attempt(lambda: request_gate_review(project=self.project, by=people[who]))

        @rule(who=OFFICER_MOSTLY, note=REASONS)
        def request_review(self, who, note):
            self.attempt(
                lambda: request_gate_review(project=self.project, by=people[who], note=note),
                must_refuse=self.closed() or who not in OFFICERS,
            )

        @rule(who=ANY_ONE, decision=DECISIONS, comment=REASONS, rework_to=st.sampled_from(LIFECYCLE_STAGES))
        def decide(self, who, decision, comment, rework_to):
            """Approve, return (with or without rework) or withdraw the pending review, or the last one again."""
            review = self.review()
            if review is None:
                return
            decided = review.status != ReviewStatus.PENDING
            if decision == "approve":
                service, arguments = approve_gate_review, {"comment": comment}
            elif decision == "withdraw":
                service, arguments = withdraw_gate_review, {"reason": comment}
            else:
                rework_to_stage = rework_to if decision == "rework" else ""
                service, arguments = return_gate_review, {"comment": comment, "rework_to_stage": rework_to_stage}
            deciders = OFFICERS if decision == "withdraw" else APPROVERS
            self.attempt(
                lambda: service(review=review, by=people[who], **arguments), must_refuse=decided or who not in deciders
            )

        @rule(who=ANY_ONE, action=PROJECT_ACTIONS, reason=REASONS)
        def act_on_the_project(self, who, action, reason):
            """Hold, resume, cancel or retire the project, or record a periodic review."""
            if action == "periodic_review":
                self.attempt(
                    lambda: record_periodic_review(
                        project=self.project,
                        by=people[who],
                        review_date=timezone.localdate(),
                        kpi_results="Processing time down 30%",
                        outcome="met",
                        decision="continue",
                    ),
                    must_refuse=self.project.in_operation_since is None or self.outsider(who),
                )
                return
            service = {
                "hold": hold_project,
                "resume": resume_project,
                "cancel": cancel_project,
                "retire": retire_project,
            }[action]
            must_refuse = self.closed() or self.outsider(who) or not reason.strip()
            if action == "resume":
                must_refuse = must_refuse or self.project.stage != Stage.ON_HOLD
            if action == "retire":
                must_refuse = must_refuse or self.project.in_operation_since is None or who not in APPROVERS
            self.attempt(lambda: service(project=self.project, by=people[who], reason=reason), must_refuse=must_refuse)

        # What must always hold, checked after every step on one read of the trail.

        @invariant()
        def the_lifecycle_rules_hold(self):
            rows = audit_rows(self.project)
            changes = [row for row in rows if row[3] == AuditAction.STAGE_CHANGED]
            self.check_stages_are_never_skipped(changes)
            self.check_every_stage_change_has_exactly_one_audit_row(changes)
            self.check_terminal_states_are_final(changes)
            self.check_only_an_in_scope_approver_who_did_not_request_moves_the_project_on(changes)
            self.check_the_audit_trail_only_grows(rows)

        def check_stages_are_never_skipped(self, changes):
            current, left_for_hold = Stage.IDENTIFY, None
            for _pk, _at, _actor, _action, source, target, _reason, details in changes:
                assert source == current, f"{source} does not follow {current}"
                if target == Stage.ON_HOLD:
                    assert source in LIFECYCLE_STAGES
                    left_for_hold = source
                elif target == Stage.CANCELLED:
                    assert source in ACTIVE_STAGES
                elif target == Stage.RETIRED:
                    assert source == Stage.DEPLOY_IMPROVE
                elif source == Stage.ON_HOLD:
                    assert target == left_for_hold, f"resumed to {target}, left {left_for_hold}"
                elif details["transition"] == "rework":
                    assert target in earlier_stages(source), f"rework from {source} to {target}"
                else:
                    assert target == next_stage(source), f"{source} → {target} skips a stage"
                current = target
            assert current == self.project.stage

        def check_every_stage_change_has_exactly_one_audit_row(self, changes):
            periods = rows_of(StagePeriod, ("stage", "exited_at"), "project_id = %s", [self.project.pk])
            assert [stage for stage, _ in periods] == [Stage.IDENTIFY, *(change[5] for change in changes)]
            assert [exited is None for _, exited in periods] == [False] * len(changes) + [True]

        def check_terminal_states_are_final(self, changes):
            closing = [i for i, change in enumerate(changes) if change[5] in TERMINAL_STAGES]
            assert closing in ([], [len(changes) - 1])

        def check_only_an_in_scope_approver_who_did_not_request_moves_the_project_on(self, changes):
            decided = rows_of(
                GateReview,
                ("stage", "status", "requested_by", "decided_by"),
                "project_id = %s AND status IN (%s, %s)",
                [self.project.pk, ReviewStatus.APPROVED, ReviewStatus.RETURNED],
            )
            for _stage, status, requester, decider in decided:
                person = by_pk[decider]
                assert (person.role, person.org_unit_id) == (Role.GATE_APPROVER, self.project.bd_id), (
                    f"{status} by someone who is not an approver of the B/D"
                )
                assert decider != requester, f"{status} by the person who requested it"
            advances = [(change[2], change[4]) for change in changes if change[7]["transition"] == "advance"]
            gates = [
                (decider, stage)
                for stage, status, _, decider in decided
                if status == ReviewStatus.APPROVED and stage != Stage.DEPLOY_IMPROVE
            ]
            assert advances == gates, "a stage change without its own approval"

        def check_the_audit_trail_only_grows(self, rows):
            assert rows[: len(self.audit)] == self.audit, "the audit trail lost or changed a row"
            self.audit = rows

    return LifecycleMachine


@pytest.fixture
def people():
    return {
        "officer": officer("ImmD"),
        "officer2": officer("ImmD"),
        "approver": approver("ImmD"),
        "approver2": approver("ImmD"),
        "outsider": approver("FEHD"),
        "management": management("SB", ScopeLevel.UNIT_TREE),
        "dpo": dpo_officer(),
    }


@pytest.fixture
def starts(people):
    """A project at each point of the lifecycle, brought there through the services, once for all examples."""
    officer_user, approver_user = people["officer"], people["approver"]
    projects = {}
    for start in (*LIFECYCLE_STAGES, "in_operation"):
        project = make_project(
            by=officer_user, project_officers=[officer_user, people["officer2"]], responsible_officer=approver_user
        )
        if start == "in_operation":
            projects[start] = put_in_operation(project, officer_user=officer_user, approver_user=approver_user)
        else:
            projects[start] = bring_to_stage(project, start, officer_user=officer_user, approver_user=approver_user)
    return projects


def test_random_sequences_of_actions_keep_the_lifecycle_rules(people, starts):
    run_state_machine_as_test(
        machine_for(people, starts),
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
