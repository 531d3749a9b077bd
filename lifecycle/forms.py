"""Forms of the lifecycle pages: screening, checklist work, stage actions, gate decisions, operation."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lifecycle import screening
from lifecycle.choices import IncidentKind, KpiOutcome, ReviewDecision, Severity
from lifecycle.evidence import ALLOWED_EXTENSIONS
from lifecycle.stages import SHORT_LABELS, earlier_stages, stage_number

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ScreeningForm(forms.Form):
    """The ethical-AI impact screening. A follow-up question counts only when its parent is "yes"."""

    prefix = "screening"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in screening.QUESTIONS:
            field = forms.ChoiceField(
                label=question.text, choices=YES_NO, required=False, widget=forms.RadioSelect, help_text=question.help
            )
            field.shown_if = question.shown_if
            self.fields[question.key] = field

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        return {key: ("yes" if value else "no") for key, value in (answers or {}).items()}

    def answers(self) -> dict[str, bool]:
        return {key: value == "yes" for key, value in self.cleaned_data.get("answers", {}).items()}

    def clean(self):
        raw = {key: self.cleaned_data.get(key) for key in screening.QUESTION_KEYS}
        given = {key: value == "yes" for key, value in raw.items() if value in ("yes", "no")}
        try:
            clean = screening.validate_answers(given)
        except screening.ScreeningError as error:
            for key in error.errors:
                if key in self.fields:
                    self.add_error(key, _("Answer yes or no."))
            return self.cleaned_data
        self.cleaned_data["answers"] = {key: "yes" if value else "no" for key, value in clean.items()}
        return self.cleaned_data

    def questions(self):
        """Bound fields with the key of the question they follow up, for the template."""
        for question in screening.QUESTIONS:
            bound = self[question.key]
            bound.shown_if = question.shown_if
            bound.parent_label = self.fields[question.shown_if].label if question.shown_if else ""
            yield bound


class EvidenceForm(forms.Form):
    """Evidence for a checklist item: any of a note, a link and a file."""

    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    url = forms.CharField(
        label=_("Link"),
        required=False,
        max_length=500,
        help_text=_("A full web address, e.g. https://intranet.example.gov.hk/minutes"),
        widget=forms.URLInput,
    )
    file = forms.FileField(label=_("File"), required=False)
    intent = forms.ChoiceField(choices=[("done", "done"), ("add", "add")], required=False, widget=forms.HiddenInput)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.prefix = f"item{item.pk}"
        self.fields["file"].help_text = gettext("At most %(limit)s. Allowed: %(types)s.") % {
            "limit": filesizeformat(settings.TRACKER_EVIDENCE_MAX_BYTES),
            "types": ", ".join(ALLOWED_EXTENSIONS),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_EXTENSIONS)
        self.fields["url"].widget.attrs["inputmode"] = "url"


class JustificationForm(forms.Form):
    justification = forms.CharField(
        label=_("Why does this item not apply to the project?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this item does not apply to the project.")},
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.prefix = f"na{item.pk}"


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen it? (optional)"), required=False, max_length=500)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.prefix = f"reopen{item.pk}"


class RemoveEvidenceForm(forms.Form):
    reason = forms.CharField(label=_("Why remove it? (optional)"), required=False, max_length=500)


class ActionForm(forms.Form):
    """The confirmation step of a stage action, with the reason it needs."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    # The stage the user saw when confirming: if it changed meanwhile, the action is refused.
    seen_stage = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = action.reason_label
        field.required = action.reason_required
        field.error_messages["required"] = _("Give the reason: it is kept in the project's audit trail.")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: the project passes the gate")), ("return", _("Return with comments"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to approve or return the gate review.")},
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the review: say what needs to change."),
        max_length=4000,
    )
    rework_to_stage = forms.ChoiceField(
        label=_("Send the project back for rework to"),
        required=False,
        help_text=_("Only when returning. Leave as it is to keep the project in its current stage."),
    )

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rework_to_stage"].choices = [("", _("Keep it in the current stage"))] + [
            (value, f"{stage_number(value)}. {SHORT_LABELS[value]}") for value in earlier_stages(stage)
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what needs to change before the gate can be passed."))
        if data.get("decision") == "approve" and data.get("rework_to_stage"):
            self.add_error("rework_to_stage", _("A project is sent back for rework only when the review is returned."))
        return data


class PeriodicReviewForm(forms.Form):
    review_date = forms.DateField(label=_("Review date"), widget=DateInput())
    kpi_results = forms.CharField(
        label=_("KPI actuals against the success criteria"), widget=forms.Textarea(attrs={"rows": 4})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=KpiOutcome.choices, widget=forms.RadioSelect)
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect)
    realised_staff_hours_per_year = forms.IntegerField(
        label=_("Realised staff hours saved a year"), required=False, min_value=0
    )
    realised_cost_saving_hkd_per_year = forms.DecimalField(
        label=_("Realised cost saved a year (HK$)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices, widget=forms.RadioSelect)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    occurred_at = forms.DateTimeField(label=_("When it occurred"), widget=DateTimeInput())
    actions_taken = forms.CharField(label=_("Actions taken"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reported_to = forms.CharField(
        label=_("Reported to"),
        required=False,
        max_length=200,
        help_text=_("e.g. GIRO, PCPD, the Ethical AI Committee."),
    )


class IncidentUpdateForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    actions_taken = forms.CharField(label=_("Actions taken"), widget=forms.Textarea(attrs={"rows": 4}))


class IncidentCloseForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution and lessons learnt"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Record how the incident was resolved and what was learnt.")},
    )
