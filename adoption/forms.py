"""Forms of the project register. They parse and validate input; the services write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from adoption.choices import DataSource, Infrastructure, OrgUnitKind, Role
from adoption.models import CatalogueSolution, OrgUnit, Project, User, Vendor
from adoption.scoping import unit_scope_q
from adoption.services import PROFILE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.post_title})" if obj.post_title else str(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.post_title})" if obj.post_title else str(obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} – {obj.name}"


# The form's sections, in order, so the template renders them as fieldsets.
SECTIONS = (
    (_("About the project"), ("title_en", "title_zh_hant", "bd", "business_problem", "objectives")),
    (_("People"), ("business_owner", "project_officers", "responsible_officer")),
    (
        _("Solution"),
        (
            "strategy",
            "category",
            "catalogue_solution",
            "vendor",
            "procurement_route",
            "infrastructure",
            "data_sources",
        ),
    ),
    (_("Profile"), PROFILE_FIELDS),
    (
        _("Budget and dates"),
        (
            "funding_source",
            "budget_hkd",
            "spend_to_date_hkd",
            "start_date",
            "target_identify_date",
            "target_search_date",
            "target_vendor_selection_date",
            "target_test_validate_date",
            "target_deploy_improve_date",
            "target_completion_date",
        ),
    ),
    (
        _("Success criteria and benefits"),
        (
            "success_criteria",
            "expected_staff_hours_per_year",
            "expected_cost_saving_hkd_per_year",
            "expected_service_improvement",
            "realised_staff_hours_per_year",
            "realised_cost_saving_hkd_per_year",
            "realised_service_improvement",
        ),
    ),
    (_("Status"), ("rag_status", "next_milestone")),
)
# Only set on the edit form: a new project's profile comes from its risk screening, and it has
# no realised benefits yet.
EDIT_ONLY = (
    *PROFILE_FIELDS,
    "realised_staff_hours_per_year",
    "realised_cost_saving_hkd_per_year",
    "realised_service_improvement",
)


class ProjectForm(forms.ModelForm):
    """Register or edit a project. Only fields the services accept; the B/D and people are
    limited to the user's scope."""

    infrastructure = forms.MultipleChoiceField(
        label=_("Infrastructure"), choices=Infrastructure.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    data_sources = forms.MultipleChoiceField(
        label=_("Data sources"), choices=DataSource.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Project
        fields = [name for _legend, names in SECTIONS for name in names]
        field_classes = {
            "bd": UnitChoiceField,
            "responsible_officer": PersonChoiceField,
            "project_officers": PeopleChoiceField,
        }
        widgets = {
            "business_problem": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "expected_service_improvement": forms.Textarea(attrs={"rows": 2}),
            "realised_service_improvement": forms.Textarea(attrs={"rows": 2}),
            "strategy": forms.RadioSelect,
            "project_officers": forms.CheckboxSelectMultiple,
            **{name: DateInput() for name in ("start_date", "target_completion_date")},
            **{
                f"target_{stage}_date": DateInput()
                for stage in ("identify", "search", "vendor_selection", "test_validate", "deploy_improve")
            },
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        editing = self.instance.pk is not None
        if not editing:
            for name in EDIT_ONLY:
                del self.fields[name]
        units = OrgUnit.objects.filter(_units_q(user), is_active=True)
        self.fields["bd"].queryset = units.order_by("code")
        self.fields["bd"].empty_label = None if units.count() == 1 else _("Choose a B/D")
        people = User.objects.filter(is_active=True).filter(_people_q(user)).order_by("first_name", "last_name")
        self.fields["project_officers"].queryset = people.filter(role=Role.PROJECT_OFFICER)
        self.fields["responsible_officer"].queryset = people.filter(role=Role.GATE_APPROVER)
        self.fields["catalogue_solution"].queryset = CatalogueSolution.objects.filter(is_active=True).order_by("code")
        self.fields["vendor"].queryset = Vendor.objects.filter(is_active=True)
        self.fields["strategy"].choices = [c for c in self.fields["strategy"].choices if c[0]]
        for name in ("title_en", "title_zh_hant"):
            self.fields[name].help_text = _("Give the title in English, Chinese or both.")
        self.fields["title_en"].widget.attrs["lang"] = "en"
        self.fields["title_zh_hant"].widget.attrs["lang"] = "zh-Hant"

    def sections(self):
        for legend, names in SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield legend, fields

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("project_officers", None)
        return data


def _units_q(user) -> Q:
    """The B/Ds this user may register projects for: their scope (a bureau's tree for a bureau)."""
    if user.is_superuser or user.scope_level == "all":
        return Q(kind__in=[OrgUnitKind.BUREAU, OrgUnitKind.DEPARTMENT, OrgUnitKind.OFFICE])
    if user.org_unit_id is None:
        return Q(pk__in=[])
    if user.scope_level == "unit_tree":
        return Q(path__startswith=user.org_unit.path)
    return Q(pk=user.org_unit_id)


def _people_q(user) -> Q:
    return unit_scope_q(user, "org_unit")
