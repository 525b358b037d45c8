"""The system administrator's page for importing configuration tables (holidays, minimum wages) from CSV or Excel:
upload → preview (every row checked, nothing written) → import the valid rows as a background job with progress.
Thin: the rules are casework.services.config_imports. Anyone but a sysadmin gets 404, as for a page that does not
exist."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..access import has_role
from ..errors import DomainError, NotAllowed
from ..services.config_imports import (SYSADMIN, TABLES, ImportRow, import_preview, import_read, import_start,
                                       import_template_csv)

__all__ = ["config_import", "config_import_template"]

SESSION_KEY = "config_import"


class UploadForm(forms.Form):
    table = forms.ChoiceField(label=_l("Table"), choices=[(k, t.label) for k, t in TABLES.items()])
    file = forms.FileField(label=_l("File (CSV or Excel .xlsx)"),
                           help_text=_l("The first row names the columns, as in the template. Dates as YYYY-MM-DD."))
    overwrite = forms.BooleanField(
        label=_l("Replace existing rows that differ"), required=False,
        help_text=_l("Without this, a row that conflicts with one already in the table is left out and listed."))
    mark_covered = forms.BooleanField(
        label=_l("The file holds the whole official notice for its year: mark the year as loaded (holidays)"),
        required=False,
        help_text=_l("For the national calendar this turns deadlines counted on plain weekdays into final ones."))


def _sysadmin_or_404(request):
    if not has_role(request.user, SYSADMIN):
        raise Http404


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def config_import(request):
    _sysadmin_or_404(request)
    form, preview, errors, status = UploadForm(), None, [], 200
    pending = request.session.get(SESSION_KEY)
    action = request.POST.get("action", "preview") if request.method == "POST" else ""
    if action == "preview":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            table = form.cleaned_data["table"]
            try:
                rows = import_read(table, upload.name, upload.read())
                preview = import_preview(table, rows, overwrite=form.cleaned_data["overwrite"])
            except DomainError as e:
                errors = [m for msgs in e.errors.values() for m in msgs]
                status = 400
            else:
                request.session[SESSION_KEY] = {
                    "table": table, "name": upload.name[:200], "overwrite": preview.overwrite,
                    "mark_covered": form.cleaned_data["mark_covered"],
                    "rows": [{"row": r.row, "values": r.values} for r in rows]}
                pending = request.session[SESSION_KEY]
        else:
            status = 400
    elif action == "import":
        if not pending:
            return redirect("staff-config-import")
        rows = [ImportRow(row=r["row"], values=r["values"]) for r in pending["rows"]]
        preview = import_preview(pending["table"], rows, overwrite=pending["overwrite"])  # checked again now
        try:
            job = import_start(user=request.user, table=pending["table"], preview=preview,
                               mark_covered=pending["mark_covered"])
        except NotAllowed:
            raise Http404
        except DomainError as e:
            errors = [m for msgs in e.errors.values() for m in msgs]
            status = 400
        else:
            request.session.pop(SESSION_KEY, None)
            return redirect("staff-job", job_id=job.pk)
    elif action == "discard":
        request.session.pop(SESSION_KEY, None)
        return redirect("staff-config-import")
    return render(request, "staff/config_import.html", {
        "form": form, "preview": preview, "errors": errors, "pending": pending if preview else None,
        "tables": TABLES.values(),
        "table_label": TABLES[preview.table].label if preview else "",
        "columns": TABLES[preview.table].columns if preview else (),
    }, status=status)


@login_required
def config_import_template(request, table: str):
    _sysadmin_or_404(request)
    if table not in TABLES:
        raise Http404
    response = HttpResponse(import_template_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table}-template.csv"'
    return response
