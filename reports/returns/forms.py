from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoption.quarters import Quarter
from reports.models import ReturnRound

QUARTERS_OFFERED = 8
CHANGE_FILTERS = {
    "new": "is_new",
    "moved": "is_moved",
    "slipped": "is_slipped",
    "closed": "is_closed",
}


def ended_quarters_without_round(today=None) -> list[tuple[str, str]]:
    quarter = Quarter.last_ended(today or timezone.localdate())
    open_ = set(ReturnRound.objects.values_list("quarter", flat=True))
    choices = []
    for _number in range(QUARTERS_OFFERED):
        if str(quarter) not in open_:
            choices.append((str(quarter), str(quarter)))
        quarter = quarter.previous()
    return choices


class OpenRoundForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))
    due_date = forms.DateField(
        label=_("Returns due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for 30 days after the quarter ends."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = ended_quarters_without_round()


class DueDateForm(forms.Form):
    due_date = forms.DateField(label=_("Returns due"), widget=forms.DateInput(attrs={"type": "date"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return for changes"))])
    comment = forms.CharField(
        label=_("Comments to the B/D"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Required when you return the return for changes."),
    )


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Note to DPO (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class LineFilterForm(forms.Form):
    changes = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All lines")),
            ("new", _("New this quarter")),
            ("moved", _("Moved stage")),
            ("slipped", _("Target dates slipped")),
            ("closed", _("Closed this quarter")),
        ],
    )
