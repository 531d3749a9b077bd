"""Project filters shared by the project list, the dashboard and its drill-downs.

The parameter names are the URL's, so a filtered view can be bookmarked, shared, and opened
from any figure of the dashboard.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adoption.choices import AdoptionStrategy, OrgUnitKind, RiskTier, SolutionCategory
from adoption.models import CatalogueSolution, OrgUnit, Project, Vendor
from lifecycle.stages import Stage

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(field: str):
    def apply(queryset, name, value):
        if value == "yes":
            return queryset.filter(**{field: True})
        if value == "no":
            return queryset.filter(**{field: False})
        return queryset

    return apply


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    bureau = django_filters.ModelChoiceFilter(
        label=_("Bureau"),
        queryset=OrgUnit.objects.filter(kind=OrgUnitKind.BUREAU),
        method="in_bureau",
        to_field_name="code",
    )
    bd = django_filters.ModelChoiceFilter(label=_("B/D"), queryset=OrgUnit.objects.all(), to_field_name="code")
    stage = django_filters.MultipleChoiceFilter(label=_("Stage"), choices=Stage.choices)
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

    class Meta:
        model = Project
        fields = []

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
