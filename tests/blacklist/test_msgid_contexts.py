"""Four short English msgids that mean different things in different places carry a pgettext context, so the
staff pages read right in Chinese (the default language): the project catalog's "Served on" (受送达人, the person
served), "met" (已按期完成, a deadline met), "Order" and "open" (进行中) are not what these pages mean."""
import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from blacklist import services as bl_svc

from .test_grading import gr, proposal_of, punished, run_lhasa  # noqa: F401 (fixtures)
from .test_transfer import _open_task, after_deadline, at, candidate, open_transfer, tr  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def zh_client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_transfer_pages_in_chinese(tr):
    from django.utils import translation

    translation.activate("zh-hans")
    c = candidate(tr)
    with freeze_time(at(after_deadline(c))):
        inspector = zh_client(tr["inspector"])  # logged in on the day (staff sessions are short)
        html = inspector.get(f"/staff/transfers/open/{c.case_number}/").content.decode()
        assert "送达日期" in html and "受送达人" not in html  # the label of the date the order was served
        assert "<strong>已达到</strong>" in html and "已按期完成" not in html  # the threshold is reached
        t = open_transfer(tr, c)
        side = inspector.get(f"/staff/tasks/{_open_task(t).pk}/").content.decode()
    assert "<dt>责令支付文书送达方式</dt>" in side and "责令改正" not in side


def test_integrity_file_link_in_chinese(gr):
    employer = punished(1)
    run_lhasa(gr)
    proposal = proposal_of(employer)
    html = zh_client(gr["grader"]).get(f"/staff/employers/{employer.pk}/").content.decode()
    assert f'<a href="{reverse("grading-proposal", args=[proposal.pk])}">查看</a>' in html
