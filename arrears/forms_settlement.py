"""Forms of the completion and settlement steps (arrears.services_settlement): they parse input only; every rule
is in the service."""
from django import forms
from django.utils.translation import gettext_lazy as _l

from .models_projects import SettlementObjection

__all__ = ["CompleteForm", "NoticeForm", "ObjectionForm", "ResolveForm", "CloseAccountForm", "ExemptionForm",
           "ConfirmForm"]

DATE = forms.DateInput(attrs={"type": "date"})


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_l("completed on"), widget=DATE)


class NoticeForm(forms.Form):
    posted_on = forms.DateField(label=_l("notice posted on site on"), widget=DATE)
    photo = forms.FileField(label=_l("photo of the posted notice"))
    commitment = forms.FileField(label=_l("signed no-arrears commitment (承诺书), PDF or photo"))


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_l("received on"), widget=DATE)
    text = forms.CharField(label=_l("objection (what the worker says)"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_l("no ID or phone numbers: the contractor reads this list"))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_l("resolution"), choices=SettlementObjection.Resolution.choices)
    note = forms.CharField(label=_l("note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseAccountForm(forms.Form):
    closed_on = forms.DateField(label=_l("account closed on"), widget=DATE)


class ExemptionForm(forms.Form):
    reason = forms.CharField(label=_l("reason (optional)"), max_length=255, required=False)


class ConfirmForm(forms.Form):
    """A step with nothing to enter (settle, apply for / approve the refund)."""
