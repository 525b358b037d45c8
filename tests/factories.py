"""Test data in one place: users per role and region, and complaints at any step of the inspection track."""
import datetime as dt
import struct
import zlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from casework.management.commands.seed_demo import demo_payload
from casework.models import Region

__all__ = ["make_user", "payload", "submit", "advance", "png_bytes", "VALID_ID", "VALID_ID_X", "VALID_USCC"]

VALID_ID = "540102199001011233"
VALID_ID_X = "11010519491231002X"
VALID_USCC = "91540100MA6T00012D"


def make_user(username, role, region="540100", perm="handle_cases", password="pw-12345678"):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=password)
    user.groups.add(Group.objects.get(name=role))
    if region and perm:
        assign_perm(f"casework.{perm}", user, Region.objects.get(code=region))
    return user


def payload(**over):
    return demo_payload(**over)


def submit(**over):
    from casework.services.intake import complaint_submit

    received_at = over.pop("received_at", None)
    actor = over.pop("actor", None)
    return complaint_submit(payload=payload(**over), received_at=received_at, actor=actor)


def _task(complaint, name):
    from viewflow.workflow.models import Task

    return Task.objects.filter(process_id=complaint.process_id, flow_task_type="HUMAN",
                               status__in=["NEW", "ASSIGNED", "STARTED"]).get()


def complete(user, complaint, data):
    from casework.workflow import task_complete

    task = _task(complaint, None)
    return task_complete(user=user, task_id=task.pk, data=data)


def advance(complaint, to: str, *, inspector, inspector_b, head, today=None):
    """Drive ``complaint`` through the track to step ``to`` (investigate, record_defence, decide, compliance,
    close) with the real services."""
    from arrears.services import item_verify
    from casework.services.inspection import inspection_record_add

    today = today or dt.date.today()
    steps = ["triage", "investigate", "record_defence", "decide", "compliance", "close"]
    for step in steps[: steps.index(to)]:
        complaint.refresh_from_db()
        if step == "triage":
            complaint = complete(inspector, complaint, {"decision": "accept"})
        elif step == "investigate":
            inspection_record_add(complaint=complaint, user=inspector, kind="site_visit", held_on=today,
                                  place="工地", summary="现场检查", inspectors=[inspector, inspector_b])
            for item in complaint.items.all():
                item_verify(item=item, amount_verified=item.amount_claimed, user=inspector)
            complaint = complete(inspector, complaint, {
                "decision": "issue_order", "doc_type": "payment_order",
                "payment_deadline": (today + dt.timedelta(days=10)).isoformat(), "text": "责令限期支付工资。"})
        elif step == "record_defence":
            complaint = complete(inspector, complaint, {"mode": "written", "received_on": today.isoformat(),
                                                        "content": "单位称资金困难。"})
        elif step == "decide":
            complaint = complete(head, complaint, {"doc_type": "handling_decision", "text": "责令支付拖欠工资。",
                                                   "payment_deadline": (today + dt.timedelta(days=15)).isoformat()})
    complaint.refresh_from_db()
    return complaint


def png_bytes() -> bytes:
    """A real 1x1 PNG (evidence uploads are checked by content)."""
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))
