"""The remedies panel's actions on the staff case page (spec §11; arrears.services_remedies): POST
/staff/cases/<case number>/remedies/ with ``action`` = issue | pay | topup | recover, then back to the case page's
#remedies panel (templates/arrears/remedies/panel.html, drawn by the ``remedies_panel`` tag). Thin: the rules are in
the service; a case the user may not see is 404."""
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from casework.errors import DomainError, NotAllowed
from casework.selectors import case_get_for_user

from . import services_remedies as svc
from .models_remedies import Remedy

__all__ = ["urlpatterns", "IssueForm", "PayForm", "TopupForm", "RecoverForm"]


class IssueForm(forms.Form):
    kind = forms.ChoiceField(choices=Remedy.Kind.choices, widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_l("Amount (yuan)"), max_digits=14, decimal_places=2, required=False,
                                help_text=_l("Empty: what is still owed (for the guarantee: at most its free balance)."))
    bank_name = forms.CharField(label=_l("Bank notified"), max_length=100, required=False)
    fund_name = forms.CharField(label=_l("Fund"), max_length=100, required=False)


class PayForm(forms.Form):
    remedy = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_l("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_l("Amount paid (yuan)"), max_digits=14, decimal_places=2, required=False,
                                help_text=_l("Spread over the items still owed, oldest first. For other shares, "
                                             "enter an amount per item below."))


class TopupForm(forms.Form):
    remedy = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_l("Topped up on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label=_l("Amount (yuan)"), max_digits=14, decimal_places=2, required=False)


class RecoverForm(forms.Form):
    remedy = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_l("Amount recovered (yuan)"), max_digits=14, decimal_places=2,
                                required=False)


FORMS = {"issue": IssueForm, "pay": PayForm, "topup": TopupForm, "recover": RecoverForm}


def _allocations(post) -> dict:
    out = {}
    for key, value in post.items():
        if key.startswith("item_") and key[5:].isdigit() and value.strip():
            try:
                out[int(key[5:])] = Decimal(value.strip())
            except InvalidOperation:
                raise DomainError({"allocations": [_("Enter an amount in yuan.")]})
    return out


@login_required
@require_POST
def remedy_action(request, case_number: str):
    user = request.user
    try:
        complaint = case_get_for_user(user, case_number)
    except NotAllowed:
        raise Http404
    back = reverse("staff-case", args=[complaint.case_number]) + "#remedies"
    form_cls = FORMS.get(request.POST.get("action"))
    if form_cls is None:
        raise Http404
    form = form_cls(request.POST)
    if not form.is_valid():
        for msgs in form.errors.values():
            for m in msgs:
                messages.error(request, m)
        return redirect(back)
    d = form.cleaned_data
    try:
        if form_cls is IssueForm:
            kind = d["kind"]
            if kind == Remedy.Kind.CONTRACTOR_PAYS_FIRST:
                r = svc.remedy_contractor_demand(user=user, complaint=complaint, amount=d["amount"])
            elif kind == Remedy.Kind.GUARANTEE_DRAW:
                r = svc.remedy_guarantee_draw(user=user, complaint=complaint, amount=d["amount"],
                                              bank_name=d["bank_name"])
            else:
                r = svc.remedy_emergency_advance(user=user, complaint=complaint, amount=d["amount"],
                                                 fund_name=d["fund_name"])
            messages.success(request, _("Notice %(no)s was issued.") % {"no": r.notice_no})
        else:
            remedy = complaint.remedies.filter(pk=d["remedy"]).first()
            if remedy is None:
                raise Http404
            if form_cls is PayForm:
                svc.remedy_pay(user=user, remedy=remedy, paid_on=d["paid_on"], amount=d["amount"],
                               allocations=_allocations(request.POST) or None)
                messages.success(request, _("The payment was recorded on the workers' items."))
            elif form_cls is TopupForm:
                svc.remedy_topup(user=user, remedy=remedy, amount=d["amount"], on=d["on"])
                messages.success(request, _("The top-up was recorded."))
            else:
                svc.remedy_recover(user=user, remedy=remedy, amount=d["amount"])
                messages.success(request, _("The recovery was recorded."))
    except DomainError as e:  # NotAllowed and Conflict included: shown, never a crash
        for m in (m for msgs in e.errors.values() for m in msgs):
            messages.error(request, m)
    return redirect(back)


urlpatterns = [
    path("staff/cases/<str:case_number>/remedies/", remedy_action, name="staff-case-remedy"),
]
