from django import forms
from django.utils.translation import gettext_lazy as _

from adoption.quarters import Quarter, QuarterError
from reports.models import ReportFormat, ReportLanguage
from reports.periods import Period, recent_quarters
from reports.scopes import ReportScope, scope_choices

QUARTERS_OFFERED = 12


class PeriodKind:
    QUARTER = "quarter"
    RANGE = "range"
    CHOICES = [(QUARTER, _("A quarter")), (RANGE, _("A date range"))]


class ReportRequestForm(forms.Form):
    scope = forms.ChoiceField(label=_("Scope"), help_text=_("Only B/Ds within your own scope are offered."))
    period_kind = forms.ChoiceField(
        label=_("Period"), choices=PeriodKind.CHOICES, initial=PeriodKind.QUARTER, widget=forms.RadioSelect
    )
    quarter = forms.ChoiceField(label=_("Quarter"), required=False)
    period_start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a date range."),
    )
    period_end = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a date range."),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=ReportFormat.choices, initial=ReportFormat.PDF, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=ReportLanguage.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["scope"].choices = scope_choices(user)
        quarters = recent_quarters(QUARTERS_OFFERED)
        self.fields["quarter"].choices = [(quarter.code, quarter.label) for quarter in quarters]
        self.fields["quarter"].initial = quarters[1].code if len(quarters) > 1 else quarters[0].code
        self.fields["language"].initial = user.language or "en"

    def clean_scope(self) -> ReportScope:
        try:
            return ReportScope.parse(self.cleaned_data["scope"])
        except ValueError:
            raise forms.ValidationError(_("Choose a scope from the list.")) from None

    def clean(self):
        data = super().clean()
        kind = data.get("period_kind")
        if kind == PeriodKind.QUARTER:
            try:
                data["period"] = Period.of_quarter(Quarter.parse(data.get("quarter") or ""))
            except QuarterError:
                self.add_error("quarter", _("Choose a quarter."))
        elif kind == PeriodKind.RANGE:
            start, end = data.get("period_start"), data.get("period_end")
            if not start:
                self.add_error("period_start", _("Give the first day of the period."))
            if not end:
                self.add_error("period_end", _("Give the last day of the period."))
            if start and end:
                if end < start:
                    self.add_error("period_end", _("The period cannot end before it starts."))
                else:
                    data["period"] = Period(start, end)
        return data
