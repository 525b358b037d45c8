"""Remedies on an unperformed order to pay (spec §11; arrears.services_remedies) on the API, under
/api/v1/cases/<case number>/remedies/ (included from casework/api/urls.py; docs/api.md, docs/campaigns.md). Thin:
the rules are in the service. A case the caller may not see answers 404."""
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.errors import NotFound, raise_for_serializer
from casework.audit import acting
from casework.errors import NotAllowed
from casework.selectors import case_get_for_user
from casework.services.deadlines import deadlines_for

from . import services_remedies as svc
from .models_remedies import Remedy

__all__ = ["urlpatterns"]

TAGS = ["remedies"]


def _case(request, case_number):
    try:
        return case_get_for_user(request.user, case_number)
    except NotAllowed:
        raise NotFound({"__all__": [_("Not found.")]})


def _remedy_row(r: Remedy) -> dict:
    return {"id": r.pk, "kind": r.kind, "state": r.state, "notice_no": r.notice_no, "order": r.order.doc_no,
            "issued_on": r.issued_on, "amount": str(r.amount), "amount_paid": str(r.amount_paid),
            "legal_basis": r.legal_basis, "notice_text": r.notice_text,
            "payer": r.payer.name if r.payer_id else None, "bank_name": r.bank_name,
            "bank_paid_on": r.bank_paid_on, "topped_up_amount": str(r.topped_up_amount),
            "topped_up_on": r.topped_up_on, "fund_name": r.fund_name, "recovered_amount": str(r.recovered_amount),
            "deadlines": [{"rule": d.rule_id, "n": d.n, "unit": d.unit, "due": d.effective_due, "status": d.status,
                           "citation": d.citation, "provisional": d.provisional} for d in deadlines_for(r)]}


def _overview(complaint, user) -> dict:
    offer = svc.remedies_offered(complaint)
    return {
        "order": offer["order"].doc_no if offer["order"] else None, "why_none": offer["why_none"],
        "outstanding": str(offer["outstanding"]), "may_act": svc.can_act(user, complaint),
        "steps": [{**{k: v for k, v in s.items() if k != "free_balance"}, "label": str(s["label"]),
                   "why_not": str(s["why_not"]),
                   "free_balance": str(s["free_balance"]) if s.get("free_balance") is not None else None}
                  for s in offer["steps"]],
        "remedies": [_remedy_row(r) for r in complaint.remedies.select_related("order", "payer")],
        # per arrears item: no worker names here; the case detail shows workers as the caller's role allows
        "items": [{"item": b["item"].pk, "worker": b["worker_id"], "due": str(b["due"]), "paid": str(b["paid"]),
                   "owed": str(b["owed"]), "paid_by": {k: str(v) for k, v in b["paid_by"].items()}}
                  for b in svc.worker_balances(complaint)],
    }


class _RemedyIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Remedy.Kind.values)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    fund_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


@extend_schema_view(
    get=extend_schema(tags=TAGS, operation_id="case_remedies",
                      summary=_l("Remedies of an unperformed order: offered steps, notices, who paid each worker"),
                      responses={200: OpenApiTypes.OBJECT}),
    post=extend_schema(tags=TAGS, operation_id="case_remedy_issue",
                       summary=_l("Take a remedy step (paying first, guarantee draw, emergency fund)"),
                       description=_l("Refused (400) while the step's precondition does not hold; a second guarantee "
                                      "draw for the same order is refused with the rule cited (409 when two clerks "
                                      "press at once)."),
                       request=_RemedyIn, responses={201: OpenApiTypes.OBJECT}))
class RemedyListView(APIView):
    def get(self, request, case_number):
        return Response(_overview(_case(request, case_number), request.user))

    def post(self, request, case_number):
        c = _case(request, case_number)
        d = raise_for_serializer(_RemedyIn(data=request.data))
        with acting(request.user, channel="api"):
            if d["kind"] == Remedy.Kind.CONTRACTOR_PAYS_FIRST:
                r = svc.remedy_contractor_demand(user=request.user, complaint=c, amount=d.get("amount"),
                                                 text=d["text"])
            elif d["kind"] == Remedy.Kind.GUARANTEE_DRAW:
                r = svc.remedy_guarantee_draw(user=request.user, complaint=c, amount=d.get("amount"),
                                              bank_name=d["bank_name"], text=d["text"])
            else:
                r = svc.remedy_emergency_advance(user=request.user, complaint=c, amount=d.get("amount"),
                                                 fund_name=d["fund_name"], text=d["text"])
        return Response(_remedy_row(r), status=status.HTTP_201_CREATED)


class _PayIn(serializers.Serializer):
    paid_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    allocations = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2),
                                        required=False)
    reference = serializers.CharField(max_length=128, required=False, allow_blank=True, default="")


class _TopupIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    on = serializers.DateField()


class _RecoverIn(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


STEP_IN = {"pay": _PayIn, "topup": _TopupIn, "recover": _RecoverIn}


@extend_schema_view(post=extend_schema(
    tags=TAGS, operation_id="case_remedy_step",
    summary=_l("Record what a remedy brought: pay, topup (guarantee), recover (emergency fund)"),
    description=_l("pay: `paid_on` and either `allocations` {item id: amount} or `amount` spread over the items "
                   "still owed; each line becomes a payment with the remedy's source. topup: `amount`, `on`. "
                   "recover: `amount`."),
    request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT}))
class RemedyStepView(APIView):
    def post(self, request, case_number, pk, step):
        c = _case(request, case_number)
        r = c.remedies.filter(pk=pk).first()
        if r is None or step not in STEP_IN:
            raise NotFound({"__all__": [_("Not found.")]})
        d = raise_for_serializer(STEP_IN[step](data=request.data))
        with acting(request.user, channel="api"):
            if step == "pay":
                r = svc.remedy_pay(user=request.user, remedy=r, paid_on=d["paid_on"], amount=d.get("amount"),
                                   allocations=d.get("allocations"), reference=d["reference"])
            elif step == "topup":
                r = svc.remedy_topup(user=request.user, remedy=r, amount=d.get("amount"), on=d["on"])
            else:
                r = svc.remedy_recover(user=request.user, remedy=r, amount=d.get("amount"))
        return Response(_remedy_row(Remedy.objects.select_related("order", "payer").get(pk=r.pk)))


urlpatterns = [
    path("", RemedyListView.as_view(), name="case-remedies"),
    path("<int:pk>/<str:step>/", RemedyStepView.as_view(), name="case-remedy-step"),
]
