from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Inventory file"),
        help_text=_("The XLSX template filled in, or a CSV file with the same headings (UTF-8)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
