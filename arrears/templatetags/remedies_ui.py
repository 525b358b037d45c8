"""``{% remedies_panel %}``: the remedies panel of the inspection case page (templates/staff/case.html includes
templates/arrears/remedies/include.html). Draws nothing for a case without a construction project."""
from django import template
from django.utils import timezone

from arrears import services_remedies as svc
from arrears.models import PaymentSource
from arrears.views_remedies import IssueForm, PayForm, RecoverForm, TopupForm
from casework.services.deadlines import deadlines_for

register = template.Library()


@register.inclusion_tag("arrears/remedies/panel.html", takes_context=True)
def remedies_panel(context, complaint):
    user = context["request"].user
    if complaint.project_id is None:
        return {"show": False}
    offer = svc.remedies_offered(complaint)
    may = svc.can_act(user, complaint)
    today = timezone.localdate()
    remedies = []
    for r in complaint.remedies.select_related("order", "payer", "guarantee"):
        forms = {"pay": PayForm(initial={"remedy": r.pk, "paid_on": today, "amount": r.outstanding})
                         if may and r.state == "issued" else None,
                 "topup": TopupForm(initial={"remedy": r.pk, "on": today,
                                                     "amount": r.amount_paid - r.topped_up_amount})
                         if may and r.kind == "guarantee_draw" and r.state == "paid" else None,
                 "recover": RecoverForm(initial={"remedy": r.pk, "amount": r.recovery_outstanding})
                         if may and r.kind == "emergency_fund" and r.state == "paid" else None}
        remedies.append({"r": r, "deadlines": list(deadlines_for(r)),
                         "forms": [(k, f) for k, f in forms.items() if f is not None]})
    steps = [{**s, "form": IssueForm(initial={"kind": s["kind"]}) if may and s["available"] else None}
             for s in offer["steps"]]
    return {"show": True, "c": complaint, "offer": offer, "steps": steps, "remedies": remedies,
            "balances": [{**b, "paid_by": [(PaymentSource(k).label, v) for k, v in b["paid_by"].items()]}
                         for b in svc.worker_balances(complaint)], "csrf_token": context.get("csrf_token"),
            "items": list(complaint.items.order_by("id"))}
