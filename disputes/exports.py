"""The disputes staff list (/staff/disputes/ cases) as CSV / Excel (casework.services.exports). Same reach as the
page (disputes.selectors.case_list_for_user), same columns: no party's personal data."""
from django.utils.translation import gettext_lazy as _l

from casework.services.exports import register_export

from .access import STAFF_ROLES


def _params(params):
    from .forms import CaseFilterForm

    form = CaseFilterForm(params or None)
    f = form.cleaned_data if form.is_valid() else {}
    return {"track": f.get("track", "") or "", "q": f.get("q", "") or ""}


def _qs(user, params):
    from .selectors import case_list_for_user

    return case_list_for_user(user, **_params(params))


def _rows(user, params):
    for c in _qs(user, params).iterator(chunk_size=500):
        yield {"case_number": c.case_number, "docket_no": c.docket_no, "track": c.get_track_display(),
               "state": c.get_state_display(), "region": c.region.display_name, "received": c.received_at,
               "closed": c.closed_at}


register_export(
    "disputes.cases", title=_l("dispute cases"), roles=STAFF_ROLES,
    columns=[("case_number", _l("case number")), ("docket_no", _l("docket number")), ("track", _l("track")),
             ("state", _l("state")), ("region", _l("region")), ("received", _l("received on")),
             ("closed", _l("closed on"))],
    rows=_rows, count=lambda user, params: _qs(user, params).count())
