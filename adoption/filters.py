"""Project filters shared by the project list, the dashboard and its drill-downs.

The parameter names are the URL's, so a filtered view can be bookmarked, shared, and opened
from any figure of the dashboard.

``quarter`` (e.g. ``2026Q3``) sets the moment the time-dependent filters are read at: ``stage``
and ``segment`` and ``severity`` as they stood at the quarter's end (for the current quarter:
now), and only projects registered by then. It is also the period of ``moved`` (a stage change
made within the quarter; ``moved_in`` names another quarter) and ``passed_gate``. Without a
quarter they read the portfolio as it is now, and ``moved``/``passed_gate`` look at all time.
``segment`` may be given several times: the projects in all of them.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adoption.choices import AdoptionStrategy, OrgUnitKind, RiskTier, SolutionCategory
from adoption.models import CatalogueSolution, OrgUnit, Project, Vendor
from adoption.quarters import Quarter, QuarterError
from adoption.segments import (
    AsOf,
    Segment,
    existing,
    in_segment,
    in_stages,
    with_gate_passed,
    with_open_incident_of,
    with_stage_change,
    within_q,
)
from lifecycle.choices import Severity, StageExit
from lifecycle.stages import LIFECYCLE_STAGES, Stage

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(field: str):
    def apply(queryset, name, value):
        if value == "yes":
            return queryset.filter(**{field: True})
        if value == "no":
            return queryset.filter(**{field: False})
        return queryset

    return apply


class QuarterField(forms.CharField):
    """``2026Q3``: a quarter that has begun."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            quarter = Quarter.parse(value)
        except QuarterError as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        if not quarter.has_begun():
            raise forms.ValidationError(_("That quarter has not begun yet."), code="future")
        return quarter


class QuarterFilter(django_filters.Filter):
    field_class = QuarterField


GATE_STAGES = [(stage, label) for stage, label in Stage.choices if stage in LIFECYCLE_STAGES]


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    bureau = django_filters.ModelChoiceFilter(
        label=_("Bureau"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU),
        method="in_bureau",
        to_field_name="code",
    )
    bd = django_filters.ModelChoiceFilter(label=_("B/D"), queryset=OrgUnit.objects.all(), to_field_name="code")
    stage = django_filters.MultipleChoiceFilter(label=_("Stage"), choices=Stage.choices, method="in_stage")
    strategy = django_filters.ChoiceFilter(label=_("Adoption strategy"), choices=AdoptionStrategy.choices)
    category = django_filters.ChoiceFilter(label=_("Solution category"), choices=SolutionCategory.choices)
    risk_tier = django_filters.ChoiceFilter(label=_("Risk tier"), choices=RiskTier.choices)
    genai = django_filters.ChoiceFilter(label=_("Generative AI"), choices=YES_NO, method=_yes_no("uses_generative_ai"))
    personal_data = django_filters.ChoiceFilter(
        label=_("Personal data"), choices=YES_NO, method=_yes_no("processes_personal_data")
    )
    public_facing = django_filters.ChoiceFilter(
        label=_("Public-facing"), choices=YES_NO, method=_yes_no("is_public_facing")
    )
    solution = django_filters.ModelChoiceFilter(
        label=_("Catalogue solution"),
        field_name="catalogue_solution",
        queryset=CatalogueSolution.objects.all(),
        to_field_name="code",
    )
    vendor = django_filters.ModelChoiceFilter(label=_("Vendor"), queryset=Vendor.objects.all())
    # The portfolio's segments and the dashboard's drill-downs.
    quarter = QuarterFilter(label=_("Quarter"), method="at_quarter_end")
    segment = django_filters.MultipleChoiceFilter(
        label=_("Segment"),
        choices=Segment.choices,
        method="in_segments",
        help_text=_("Projects in every segment chosen."),
    )
    severity = django_filters.MultipleChoiceFilter(
        label=_("Open incident severity"), choices=Severity.choices, method="with_open_incident"
    )
    moved = django_filters.ChoiceFilter(label=_("Stage change"), choices=StageExit.choices, method="with_stage_change")
    moved_in = QuarterFilter(label=_("Stage change in quarter"), method="ignore")
    passed_gate = django_filters.ChoiceFilter(label=_("Gate passed"), choices=GATE_STAGES, method="with_gate_passed")
    registered_in = QuarterFilter(label=_("Registered in quarter"), method="registered_within")

    class Meta:
        model = Project
        fields = []

    @property
    def as_of(self) -> AsOf:
        """The moment the filters (and the figures computed from them) stand at."""
        if not hasattr(self, "_as_of"):
            quarter = self._cleaned("quarter")
            self._as_of = AsOf.end_of(quarter) if quarter else AsOf.now()
        return self._as_of

    @property
    def period(self) -> Quarter | None:
        """The quarter whose stage changes count; None for all time."""
        return self._cleaned("quarter")

    def _cleaned(self, name: str):
        if not self.is_bound:
            return None
        self.errors  # noqa: B018 - validates the form once
        return self.form.cleaned_data.get(name)

    def filter_queryset(self, queryset):
        return super().filter_queryset(existing(queryset, self.as_of))

    def at_quarter_end(self, queryset, name, value):
        return queryset  # applied through ``as_of`` by every filter that depends on time

    def ignore(self, queryset, name, value):
        return queryset  # read by ``with_stage_change``

    def in_stage(self, queryset, name, value):
        return in_stages(queryset, value, self.as_of)

    def in_segments(self, queryset, name, value):
        for segment in value:
            queryset = in_segment(queryset, segment, self.as_of)
        return queryset

    def with_open_incident(self, queryset, name, value):
        return with_open_incident_of(queryset, value, self.as_of)

    def with_stage_change(self, queryset, name, value):
        return with_stage_change(queryset, value, self._cleaned("moved_in") or self.period)

    def with_gate_passed(self, queryset, name, value):
        return with_gate_passed(queryset, value, self.period)

    def registered_within(self, queryset, name, value):
        return queryset.filter(within_q("created_at", value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(title_en__icontains=value) | Q(title_zh_hant__icontains=value)
        )

    def in_bureau(self, queryset, name, value):
        return queryset.filter(bd__path__startswith=value.path)

    # Added for the project list (issue 4): whether a gate review waits, and the sort order.
    gate_review = django_filters.ChoiceFilter(
        label=_("Gate review waiting"), choices=YES_NO, method="gate_review_waiting"
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("updated_at", "updated"), ("code", "code"), ("stage_entered_at", "in_stage_since")),
        field_labels={
            "-updated": _("Recently updated first"),
            "updated_at": _("Least recently updated first"),
            "code": _("Project code"),
            "-code": _("Project code, descending"),
            "stage_entered_at": _("Longest in stage first"),
            "-in_stage_since": _("Newest in stage first"),
        },
    )

    def gate_review_waiting(self, queryset, name, value):
        if value == "yes":
            return queryset.awaiting_gate_review()
        if value == "no":
            return queryset.exclude(pk__in=Project.objects.awaiting_gate_review().values("pk"))
        return queryset
