"""Template helpers for the tracker's pages: the stage progress bar and the review queue count."""

from dataclasses import dataclass

from django import template
from django.utils.translation import pgettext_lazy

from lifecycle.stages import LIFECYCLE_STAGES, SHORT_LABELS, Stage, stage_number

register = template.Library()

STEP_STATES = {
    "done": pgettext_lazy("stage step", "completed"),
    "current": pgettext_lazy("stage step", "current stage"),
    "todo": pgettext_lazy("stage step", "not started"),
}


@dataclass
class Step:
    number: int
    stage: str
    label: str
    state: str

    @property
    def state_label(self):
        return STEP_STATES[self.state]

    @property
    def current(self) -> bool:
        return self.state == "current"


@register.simple_tag
def stage_steps(project) -> list[Step]:
    """The five stages, each done, current or still to do, for the project's progress bar."""
    stage = project.stage
    if stage == Stage.ON_HOLD:
        stage = project.held_from_stage
    current = stage_number(stage) if stage in LIFECYCLE_STAGES else None
    all_done = project.stage == Stage.RETIRED
    steps = []
    for number, value in enumerate(LIFECYCLE_STAGES, start=1):
        if all_done or (current and number < current):
            state = "done"
        elif current and number == current:
            state = "current"
        else:
            state = "todo"
        steps.append(Step(number=number, stage=value, label=str(SHORT_LABELS[value]), state=state))
    return steps


@register.filter
def stage_no(stage: str):
    return stage_number(stage)


@register.filter
def short_stage(stage: str) -> str:
    return str(SHORT_LABELS.get(stage, stage))


@register.simple_tag(takes_context=True)
def shows_review_queue(context) -> bool:
    """Gate reviews are in the navigation of those who request or decide them."""
    from adoption.roles import Permission, has_permission

    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user) and any(
        has_permission(user, permission)
        for permission in (Permission.REQUEST_GATE_REVIEW, Permission.DECIDE_GATE_REVIEW)
    )


@register.simple_tag(takes_context=True)
def review_queue_count(context):
    """How many gate reviews wait for the signed-in approver (one query, once per request)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    if not hasattr(request, "_review_queue_count"):
        from lifecycle.selectors import queue_count

        request._review_queue_count = queue_count(request.user)
    return request._review_queue_count
