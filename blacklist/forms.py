"""Input definitions for the blacklist pages: labels and widgets only. The rules are in blacklist.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Region

from .models import BlacklistEntry, ListingDecision

__all__ = ["RegistrySearchForm", "ProposeForm", "PartyForm", "NoticeForm", "ObjectionForm", "VerifyForm",
           "ExtensionForm", "DecideForm", "PublishForm", "RevokeForm", "EarlyApplyForm", "EarlyDecideForm", "EarlyRevokeForm",
           "CriminalForm"]

DATE = forms.DateInput(attrs={"type": "date"})


class RegistrySearchForm(forms.Form):
    q = forms.CharField(label=_("Employer name (or part of it)"), required=False, max_length=100)
    uscc = forms.CharField(label=_("Unified social credit code"), required=False, max_length=18)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(level__in=[Region.Level.PREFECTURE]).order_by("code")
        self.fields["region"].choices = [("", _("All of Tibet"))] + [(r.code, r.display_name) for r in regions]


class ProposeForm(forms.Form):
    basis_limb = forms.ChoiceField(label=_("Basis"), choices=ListingDecision.Limb.choices,
                                   widget=forms.RadioSelect)
    incident_note = forms.CharField(label=_("Incident and its impact (art. 5(2) only)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[c for c in BlacklistEntry.Role.choices if c[0] != "UNIT"])
    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)


class NoticeForm(forms.Form):
    received_on = forms.DateField(label=_("Date the employer received the notice"), widget=DATE)


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_("Objection received on"), widget=DATE)
    text = forms.CharField(label=_("Objection"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=ListingDecision.ObjectionResult.choices,
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Verification note"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is complex"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("list", _("List the employer and its co-listed persons")), ("not_list", _("Do not list"))])
    decision_no = forms.CharField(label=_("Decision number"), required=False, max_length=64)
    commitment_signed_on = forms.DateField(label=_("Credit commitment signed on"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason for not listing"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    pass


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("The order revoked, and by what"), widget=forms.Textarea(attrs={"rows": 3}))


class EarlyApplyForm(forms.Form):
    applied_at = forms.DateField(label=_("Application received on"), widget=DATE)
    correction_date = forms.DateField(label=_("Arrears corrected on"), widget=DATE)
    commitment = forms.BooleanField(label=_("A written commitment not to default on wages again is attached"),
                                    required=False)
    commitment_text = forms.CharField(label=_("Commitment"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    evidence_note = forms.CharField(label=_("Proof of correction"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))


class EarlyDecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), widget=forms.RadioSelect, coerce=lambda v: v == "approve",
                                     choices=[("approve", _("Remove early: the employer and every co-listed person")),
                                              ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reasons for refusal"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class EarlyRevokeForm(forms.Form):
    reason = forms.CharField(label=_("The fraud found, and the evidence"), widget=forms.Textarea(attrs={"rows": 3}))


class CriminalForm(forms.Form):
    pending = forms.BooleanField(label=_("Criminal proceedings for refusal to pay wages are pending"), required=False)
    note = forms.CharField(label=_("Case and authority"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
