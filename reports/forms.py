from django import forms
from django.utils.translation import gettext_lazy as _

from adoption.choices import SolutionCategory
from adoption.models import CatalogueSolution, Vendor
from reports.reuse import CATEGORY, SOLUTION, VENDOR, Subject

OVERVIEW_ROWS = 20
OVERVIEW_TITLES = {
    SOLUTION: _("Catalogue solutions in use"),
    CATEGORY: _("Solution categories"),
    VENDOR: _("Vendors most used"),
}


class ReuseForm(forms.Form):
    """Choose one thing to look up: a catalogue solution, a category or a vendor."""

    solution = forms.ModelChoiceField(
        label=_("Catalogue solution"),
        queryset=CatalogueSolution.objects.order_by("code"),
        to_field_name="code",
        required=False,
    )
    category = forms.ChoiceField(
        label=_("Solution category"), choices=[("", ""), *SolutionCategory.choices], required=False
    )
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name_en"), required=False)

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("solution", "category", "vendor") if cleaned.get(name)]
        if len(chosen) > 1:
            raise forms.ValidationError(_("Choose one of a catalogue solution, a category or a vendor."))
        return cleaned

    def options(self) -> list[tuple]:
        """(bound field, [(value, label), ...]) per field: one query for each list of names."""
        lists = {
            "solution": [
                (solution.code, f"{solution.code} {solution.name}")
                for solution in CatalogueSolution.objects.order_by("code").only("code", "name_en", "name_zh_hant")
            ],
            "category": list(SolutionCategory.choices),
            "vendor": [
                (str(vendor.pk), vendor.name)
                for vendor in Vendor.objects.order_by("name_en").only("pk", "name_en", "name_zh_hant")
            ],
        }
        return [(self[name], lists[name]) for name in ("solution", "category", "vendor")]

    def subject(self) -> Subject | None:
        data = self.cleaned_data
        if data.get("solution"):
            solution = data["solution"]
            return Subject(SOLUTION, solution.code, solution.name_en, solution.name_zh_hant)
        if data.get("category"):
            return Subject(CATEGORY, data["category"], str(SolutionCategory(data["category"]).label))
        if data.get("vendor"):
            vendor = data["vendor"]
            return Subject(VENDOR, str(vendor.pk), vendor.name_en, vendor.name_zh_hant)
        return None
