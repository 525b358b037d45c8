"""Inspection cases the inspectorate opens itself (依职权立案): from a construction project's safeguard finding, an
enforcement campaign's visit or a routine inspection.

``ex_officio_open`` is a contract other modules call (arrears findings pages, campaigns). It registers a Complaint
of kind ``report`` with channel ``ex_officio`` and no complainant or informant, links the project, attaches the
evidence and starts the inspection track exactly as intake does (``complaint_submit``: case number, acceptance
deadline, workflow process, history with the acting inspector). The case then follows the normal track.

A second case for the same ``origin`` (e.g. ``finding:no_account`` on the same project, or a campaign visit) is
refused while the first is still open; the origin is recorded on the case's timeline (``ex_officio_opened``)."""
import hashlib
import mimetypes

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import Role, has_role, in_region
from ..audit import acting, current
from ..errors import Conflict, DomainError, NotAllowed
from ..models import Attachment, CaseEvent, Complaint, Employer, Region
from .evidence import sniff_mime
from .intake import complaint_submit, intake_validate
from .notices import TERMINAL

__all__ = ["ex_officio_open", "open_case_for_origin", "EVENT_CODE"]

EVENT_CODE = "ex_officio_opened"
TEXT_TYPES = {".csv": "text/csv", ".txt": "text/plain", ".json": "application/json"}


def open_case_for_origin(*, origin: str, employer, project=None) -> Complaint | None:
    """The open ex officio case already registered for this origin (on this project, else this employer)."""
    qs = Complaint.objects.filter(channel=Complaint.Channel.EX_OFFICIO).exclude(state__in=TERMINAL)
    qs = qs.filter(project=project) if project is not None else qs.filter(employer=employer, project__isnull=True)
    return qs.filter(events__code=EVENT_CODE, events__detail__origin=origin).first()


def _attach(complaint, user, name: str, data: bytes) -> Attachment:
    if not data:
        raise DomainError({"evidence": [_("“%(name)s” is empty.") % {"name": name}]})
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise DomainError({"evidence": [_("“%(name)s” is larger than %(mb)s MB.")
                                        % {"name": name, "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}]})
    mime = sniff_mime(data[:8192])
    if mime not in settings.EVIDENCE_ALLOWED_TYPES:
        ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            ext = ""
        mime = TEXT_TYPES.get(ext) if mime is None else None
        if mime is None:
            raise DomainError({"evidence": [_("“%(name)s” is not a photo, a PDF or a UTF-8 text/CSV file.")
                                            % {"name": name}]})
    att = Attachment(complaint=complaint, original_name=name[:255], sha256=hashlib.sha256(data).hexdigest(),
                     mime=mime or mimetypes.guess_type(name)[0] or "application/octet-stream", size=len(data),
                     audience=Attachment.Audience.PARTIES, description=_("evidence of the ex officio case")[:255],
                     uploaded_by=user, uploaded_at=timezone.now())
    att.file.save("evidence", ContentFile(data), save=False)
    att._history_user = user
    att.save()
    return att


def ex_officio_open(*, user, employer: Employer, region, facts: str, project=None, origin: str,
                    evidence: list[tuple[str, bytes]] = ()) -> Complaint:
    """Open an inspection case on ``employer`` in ``region`` (a Region or its code) as ``user`` (an inspector or
    head with handling reach there). Raises NotAllowed, Conflict (an open case for the same origin) or
    DomainError."""
    region_code = region.code if isinstance(region, Region) else str(region)
    if not has_role(user, Role.INSPECTOR, Role.INSPECTION_HEAD) or not in_region(user, region_code):
        raise NotAllowed(_("You may not open inspection cases in this region."))
    origin = (origin or "").strip()[:120]
    if not origin:
        raise DomainError({"origin": [_("This field is required.")]})
    facts = (facts or "").strip()
    construction = project is not None or employer.is_construction
    payload = {
        "kind": Complaint.Kind.REPORT, "complainant": {}, "region_code": region_code,
        "sector": Complaint.Sector.CONSTRUCTION if construction else Complaint.Sector.OTHER,
        "project_name": project.name if project is not None else "",
        "project_location": project.location if project is not None else "",
        "employer": {"name": employer.name, "uscc": "", "address": employer.address,
                     "legal_rep_name": employer.legal_rep_name},
        "employment_status": Complaint.EmploymentStatus.EMPLOYED,
        "violation_start": timezone.localdate().isoformat(), "is_continuing": True, "workers_affected": 1,
        "facts": facts, "requests": "", "items": [],
    }
    cleaned = intake_validate(payload)
    with acting(user), transaction.atomic():
        # Two inspectors pressing the same button: the second waits here, then sees the first one's case.
        Employer.objects.select_for_update().filter(pk=employer.pk).first()
        existing = open_case_for_origin(origin=origin, employer=employer, project=project)
        if existing is not None:
            raise Conflict(_("Case %(number)s is already open for this finding.") % {"number": existing.case_number})
        result = complaint_submit(payload=payload, cleaned=cleaned, actor=user,
                                  channel=Complaint.Channel.EX_OFFICIO, employer=employer, project=project)
        complaint = result.complaint
        CaseEvent.objects.create(complaint=complaint, code=EVENT_CODE, public=False, actor=user,
                                 detail={"origin": origin, "project": project.pk if project is not None else None},
                                 request_id=current().request_id)
        for name, data in evidence:
            _attach(complaint, user, name, data)
    return complaint
