"""The admin: configuration tables for the system administrator, history read-only, no case data."""
import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse

from arrears.models import CriminalThreshold, MinimumWageStandard
from casework.models import (CalendarCoverage, DeadlineRule, Employer, Holiday, LegalParameter, Region,
                             SystemAlert)
from casework.services.deadlines import deadline_open

pytestmark = pytest.mark.django_db

CONFIG = [Region, Holiday, CalendarCoverage, DeadlineRule, LegalParameter, MinimumWageStandard, CriminalThreshold]


@pytest.fixture
def sysadmin(staff):
    user = staff["sysadmin"]
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def sysadmin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_only_configuration_is_registered():
    registered = set(admin.site._registry)
    assert set(CONFIG) <= registered
    for model in registered:
        assert not model.__name__.startswith("Historical"), model
        assert model._meta.app_label not in {"casework", "arrears"} or model in CONFIG + [SystemAlert], model


@pytest.mark.parametrize("model", CONFIG, ids=lambda m: m.__name__)
def test_sysadmin_sees_each_configuration_table_and_its_history(sysadmin_client, model):
    obj = model.objects.order_by("pk").first()
    assert obj is not None, "seeded by migration 0002"
    obj.save()  # one history row
    assert sysadmin_client.get(url(model, "changelist")).status_code == 200
    assert sysadmin_client.get(url(model, "change", obj.pk)).status_code == 200
    assert sysadmin_client.get(url(model, "history", obj.pk)).status_code == 200
    version = obj.history.first()
    assert sysadmin_client.get(url(model, "simple_history", obj.pk, version.history_id)).status_code == 200


@pytest.mark.parametrize("model", CONFIG, ids=lambda m: m.__name__)
def test_configuration_rows_cannot_be_deleted(sysadmin_client, model, admin_client):
    obj = model.objects.order_by("pk").first()
    for client in (sysadmin_client, admin_client):  # not even by a superuser: supersede with a newer row
        assert client.get(url(model, "delete", obj.pk)).status_code == 403
        assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
        response = client.post(url(model, "changelist"), {"action": "delete_selected", "_selected_action": [obj.pk],
                                                          "post": "yes"})
        assert response.status_code in (200, 302)
    assert model.objects.filter(pk=obj.pk).exists()


def test_history_cannot_be_reverted_by_post(sysadmin_client):
    rule = DeadlineRule.objects.get(rule_id="INSP-ACCEPT")
    rule.save()
    old = rule.history.first()
    rule.n = 7
    rule.save()
    data = {"rule_id": "INSP-ACCEPT", "n": "5", "unit": "WD", "anchor_event": rule.anchor_event,
            "citation": rule.citation, "description": rule.description, "effective_from": "2004-12-01"}
    response = sysadmin_client.post(url(DeadlineRule, "simple_history", rule.pk, old.history_id), data)
    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.n == 7
    page = sysadmin_client.get(url(DeadlineRule, "simple_history", rule.pk, old.history_id)).content.decode()
    assert "Revert" not in page and "恢复" not in page


def test_sysadmin_change_is_recorded_with_the_user(sysadmin_client, sysadmin, django_capture_on_commit_callbacks):
    data = {"region": "", "date": "2026-07-01", "kind": "off", "name": "测试", "source_doc": "测试通知"}
    with django_capture_on_commit_callbacks(execute=True):
        response = sysadmin_client.post(url(Holiday, "add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    h = Holiday.objects.get(region__isnull=True, date=dt.date(2026, 7, 1))
    record = h.history.first()
    assert record.history_user == sysadmin and record.history_type == "+"
    assert record.request_id and record.channel == "web"


def test_adding_coverage_in_admin_recounts_provisional_deadlines(sysadmin_client, django_capture_on_commit_callbacks):
    d = deadline_open(case=Employer.objects.create(name="x"), rule_id="INSP-INVESTIGATION",
                      anchor_date=dt.date(2026, 12, 1), region_code="540100", case_number="C-1")
    assert d.provisional
    with django_capture_on_commit_callbacks(execute=True):
        response = sysadmin_client.post(url(CalendarCoverage, "add"),
                                        {"region": "", "year": "2027", "source_doc": "测试通知"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert not d.provisional


def test_case_handlers_have_no_admin(client, staff):
    inspector = staff["inspector"]
    inspector.is_staff = True
    inspector.save()
    client.force_login(inspector)
    assert client.get(url(Holiday, "changelist")).status_code == 403
    assert client.get(url(SystemAlert, "changelist")).status_code == 403


def test_system_alerts_for_the_sysadmin_read_only_except_resolving(sysadmin_client):
    alert = SystemAlert.objects.create(code="calendar_year_missing", key="k", message="2027 missing")
    assert sysadmin_client.get(url(SystemAlert, "changelist")).status_code == 200
    assert sysadmin_client.get(url(SystemAlert, "add")).status_code == 403
    assert sysadmin_client.post(url(SystemAlert, "delete", alert.pk), {"post": "yes"}).status_code == 403
    response = sysadmin_client.post(url(SystemAlert, "change", alert.pk), {
        "resolved_at_0": "2026-11-26", "resolved_at_1": "10:00:00", "message": "rewritten", "code": "x"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_at is not None and alert.message == "2027 missing" and alert.code == "calendar_year_missing"


def test_region_code_is_fixed_once_created(sysadmin_client):
    region = Region.objects.get(code="540102")
    response = sysadmin_client.post(url(Region, "change", "540102"), {
        "code": "549999", "parent": "540100", "level": "county", "name_zh": "城关区", "name_en": "Chengguan",
        "name_bo": ""})
    assert response.status_code == 302
    assert Region.objects.filter(code="540102").exists() and not Region.objects.filter(code="549999").exists()
    region.refresh_from_db()
    assert region.name_en == "Chengguan"


def test_sysadmin_group_holds_add_change_view_on_every_configuration_table_and_no_delete():
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name="sysadmin").permissions.values_list("content_type__app_label", "codename"))
    for model in CONFIG:
        label, name = model._meta.app_label, model._meta.model_name
        assert {(label, f"{a}_{name}") for a in ("add", "change", "view")} <= perms, model
    assert not [p for p in perms if p[1].startswith("delete_")]
    assert not [p for p in perms if p[1].endswith(("_complaint", "_person"))]
