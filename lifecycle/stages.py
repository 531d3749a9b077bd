"""The lifecycle's stages, declared once.

The five stages and their labels follow the Digital Policy Office's guide
《政府部門人工智能應用指南》 (June 2025); the Traditional Chinese labels are the guide's own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    IDENTIFY = "identify", _("Business-led identification of AI opportunities")
    SEARCH = "search", _("Search for suitable AI solutions")
    VENDOR_SELECTION = "vendor_selection", _("Select solution vendors")
    TEST_VALIDATE = "test_validate", _("Test, evaluate and validate")
    DEPLOY_IMPROVE = "deploy_improve", _("Deploy, operate and continuously improve")
    ON_HOLD = "on_hold", pgettext_lazy("project stage", "On hold")
    CANCELLED = "cancelled", pgettext_lazy("project stage", "Cancelled")
    RETIRED = "retired", pgettext_lazy("project stage", "Retired")


LIFECYCLE_STAGES: tuple[str, ...] = (
    Stage.IDENTIFY,
    Stage.SEARCH,
    Stage.VENDOR_SELECTION,
    Stage.TEST_VALIDATE,
    Stage.DEPLOY_IMPROVE,
)
ACTIVE_STAGES: tuple[str, ...] = (*LIFECYCLE_STAGES, Stage.ON_HOLD)
TERMINAL_STAGES: tuple[str, ...] = (Stage.CANCELLED, Stage.RETIRED)

SHORT_LABELS = {
    Stage.IDENTIFY: pgettext_lazy("stage short label", "Identify"),
    Stage.SEARCH: pgettext_lazy("stage short label", "Search"),
    Stage.VENDOR_SELECTION: pgettext_lazy("stage short label", "Vendor selection"),
    Stage.TEST_VALIDATE: pgettext_lazy("stage short label", "Test and validate"),
    Stage.DEPLOY_IMPROVE: pgettext_lazy("stage short label", "Deploy and improve"),
    Stage.ON_HOLD: pgettext_lazy("project stage", "On hold"),
    Stage.CANCELLED: pgettext_lazy("project stage", "Cancelled"),
    Stage.RETIRED: pgettext_lazy("project stage", "Retired"),
}

# Colours for charts and badges (contrast-checked against white text where used as a fill).
COLOURS = {
    Stage.IDENTIFY: "#1f5f8b",
    Stage.SEARCH: "#2d7a6e",
    Stage.VENDOR_SELECTION: "#6b5a8e",
    Stage.TEST_VALIDATE: "#9a5b13",
    Stage.DEPLOY_IMPROVE: "#2f6b2f",
    Stage.ON_HOLD: "#5c6670",
    Stage.CANCELLED: "#8a2c2c",
    Stage.RETIRED: "#3b3b3b",
}


def stage_number(stage: str) -> int | None:
    """1–5 for the lifecycle stages, None for the side states."""
    try:
        return LIFECYCLE_STAGES.index(stage) + 1
    except ValueError:
        return None


def next_stage(stage: str) -> str | None:
    number = stage_number(stage)
    if number is None or number == len(LIFECYCLE_STAGES):
        return None
    return LIFECYCLE_STAGES[number]


def earlier_stages(stage: str) -> tuple[str, ...]:
    number = stage_number(stage)
    return LIFECYCLE_STAGES[: number - 1] if number else ()
