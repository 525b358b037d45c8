"""The inspectors' project table (/staff/projects/) as CSV / Excel (casework.services.exports): same reach and
columns as the page; findings by label, no worker, no account number."""
from django.utils.translation import gettext_lazy as _l

from casework.services.exports import register_export

from .selectors_projects import STAFF_ROLES, staff_project_rows


def _rows(user, params):
    for r in staff_project_rows(user):
        p = r["project"]
        yield {"project": p.name, "region": p.region.display_name, "contractor": p.general_contractor.name,
               "state": p.get_state_display(), "findings": len(r["findings"]), "high": r["high"],
               "what": "; ".join(str(f.label) for f in r["findings"])}


register_export(
    "projects.findings", title=_l("Construction projects with findings"), roles=STAFF_ROLES,
    columns=[("project", _l("project name")), ("region", _l("project region")),
             ("contractor", _l("general contractor (施工总承包单位)")), ("state", _l("state")),
             ("findings", _l("findings")), ("high", _l("high severity")), ("what", _l("what is missing or late"))],
    rows=_rows, count=lambda user, params: len(staff_project_rows(user)))
