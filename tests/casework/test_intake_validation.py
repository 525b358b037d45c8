"""Intake validation: one set of rules for the online form, the intake officer and the API. One test per rule and
boundary; errors are keyed by the field path the form and the API show them at."""
import datetime as dt
import re

import pytest
from django.utils import translation
from freezegun import freeze_time

from casework.errors import DomainError
from casework.services.intake import STEP_FIELDS, intake_validate
from tests.factories import VALID_ID, VALID_ID_X, payload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = dt.date(2026, 11, 20)
ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


@pytest.fixture
def frozen_today():
    with freeze_time("2026-11-20 10:00:00+08:00"):
        yield


def id_born(birth: dt.date, seq="123", region="540102") -> str:
    body = f"{region}{birth:%Y%m%d}{seq}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]


def person(i=0, **over):
    p = {"name": f"代表{i}", "id_number": id_born(dt.date(1980, 1, 1), seq=f"{100 + i:03d}"),
         "phone": f"139{i:08d}"}
    p.update(over)
    return p


def errors_of(data, **kw) -> dict:
    with pytest.raises(DomainError) as e:
        intake_validate(data, **kw)
    return e.value.errors


def test_the_demo_payload_is_valid():
    out = intake_validate(payload())
    assert out["kind"] == "complaint" and out["complainant"]["id_number"] == VALID_ID
    assert out["complainant"]["birth_date"] == dt.date(1990, 1, 1) and out["complainant"]["gender"] == "M"
    assert out["employer"]["uscc"] == "91540100MA6T00012D"
    assert [i["amount_claimed"] for i in out["items"]] == [6000, 6000, 6000]


@pytest.mark.parametrize("field", ["kind", "region_code", "sector", "employment_status", "violation_start", "facts",
                                   "items"])
def test_missing_required_top_level_field(field):
    assert field in errors_of(payload(**{field: "" if field != "items" else []}))


@pytest.mark.parametrize("path", ["complainant.name", "complainant.id_number", "complainant.phone", "employer.name"])
def test_missing_required_nested_field(path):
    obj, key = path.split(".")
    data = payload()
    data[obj] = {**data[obj], key: ""}
    errs = errors_of(data)
    assert path in errs and set(errs) == {path}


def test_unknown_choice_rejected():
    errs = errors_of(payload(kind="rumour", sector="mining"))
    assert {"kind", "sector"} <= set(errs)


def test_wrong_id_check_digit():
    data = payload(complainant={**payload()["complainant"], "id_number": "540102199001011230"})
    assert set(errors_of(data)) == {"complainant.id_number"}


def test_id_with_lowercase_x_is_normalised():
    data = payload(complainant={**payload()["complainant"], "id_number": VALID_ID_X.lower()})
    assert intake_validate(data)["complainant"]["id_number"] == VALID_ID_X


def test_invalid_uscc():
    data = payload(employer={**payload()["employer"], "uscc": "91540100MA6T00012E"})
    assert set(errors_of(data)) == {"employer.uscc"}


def test_uscc_is_optional_and_normalised():
    assert intake_validate(payload(employer={"name": "某公司", "uscc": ""}))["employer"]["uscc"] == ""
    data = payload(employer={"name": "某公司", "uscc": "91540100ma6t00012d"})
    assert intake_validate(data)["employer"]["uscc"] == "91540100MA6T00012D"


def test_invalid_phone():
    data = payload(complainant={**payload()["complainant"], "phone": "12800000001"})
    assert set(errors_of(data)) == {"complainant.phone"}


def test_region_must_be_a_known_prefecture_or_county():
    assert "region_code" in errors_of(payload(region_code="540000"))   # the province itself
    assert "region_code" in errors_of(payload(region_code="999999"))
    assert intake_validate(payload(region_code="540200"))["region_code"] == "540200"


def test_violation_end_before_start():
    errs = errors_of(payload(violation_start="2026-07-01", violation_end="2026-06-30"))
    assert set(errs) == {"violation_end"}
    assert intake_validate(payload(violation_start="2026-07-01", violation_end="2026-07-01"))


def test_item_period_end_before_start():
    data = payload(items=[{"category": "wages", "period_start": "2026-08-01", "period_end": "2026-07-31",
                           "amount_claimed": "100"}])
    assert set(errors_of(data)) == {"items.0.period_end"}


def test_future_dates_rejected_today_accepted():
    errs = errors_of(payload(violation_start="2026-11-21", is_continuing=True))
    assert set(errs) == {"violation_start"}
    assert intake_validate(payload(violation_start="2026-11-20", is_continuing=True))["violation_start"] == TODAY
    data = payload(items=[{"category": "wages", "period_start": "2026-11-01", "period_end": "2026-11-21",
                           "amount_claimed": "100"}])
    assert set(errors_of(data)) == {"items.0.period_end"}


def test_malformed_date():
    assert set(errors_of(payload(violation_start="2026-13-01", is_continuing=True))) == {"violation_start"}


def _item(amount):
    return {"category": "wages", "period_start": "2026-07-01", "period_end": "2026-07-31", "amount_claimed": amount}


@pytest.mark.parametrize("amount", ["0", "0.00", "-1", "-0.01"])
def test_zero_or_negative_amount_rejected(amount):
    assert set(errors_of(payload(items=[_item(amount)]))) == {"items.0.amount_claimed"}


@pytest.mark.parametrize("amount", ["100.123", "0.001", "abc", "NaN", "Infinity", ""])
def test_malformed_amount_rejected(amount):
    assert set(errors_of(payload(items=[_item(amount)]))) == {"items.0.amount_claimed"}


def test_amount_at_the_maximum_accepted_one_cent_over_rejected():
    out = intake_validate(payload(items=[_item("1000000"), _item("1,000,000.00"), _item("0.01")]))
    assert [str(i["amount_claimed"]) for i in out["items"]] == ["1000000.00", "1000000.00", "0.01"]
    assert set(errors_of(payload(items=[_item("1000000.01")]))) == {"items.0.amount_claimed"}


def test_errors_of_the_second_item_are_keyed_by_its_index():
    errs = errors_of(payload(items=[_item("100"), _item("-5")]))
    assert set(errs) == {"items.1.amount_claimed"}


def test_report_without_complainant_accepted():
    out = intake_validate(payload(kind="report", complainant=None, items=[]))
    assert out["complainant"] is None and out["items"] == []


def test_complaint_without_complainant_rejected():
    errs = errors_of(payload(kind="complaint", complainant=None))
    assert set(errs) == {"complainant.name", "complainant.id_number", "complainant.phone"}


def test_complaint_needs_at_least_one_item():
    assert set(errors_of(payload(items=[]))) == {"items"}


def test_continuing_violation_ignores_violation_end():
    out = intake_validate(payload(is_continuing=True, violation_end="2026-01-01"))  # before the start
    assert out["violation_end"] is None and out["is_continuing"] is True
    out = intake_validate(payload(is_continuing="true", violation_end=""))
    assert out["violation_end"] is None


def test_violation_end_required_unless_continuing():
    assert set(errors_of(payload(is_continuing=False, violation_end=""))) == {"violation_end"}


def test_left_without_end_date_rejected():
    assert set(errors_of(payload(employment_status="left", employment_end_date=""))) == {"employment_end_date"}


def test_still_employed_needs_no_end_date_and_drops_one_given():
    out = intake_validate(payload(employment_status="employed", employment_end_date="2026-09-30"))
    assert out["employment_end_date"] is None


def test_five_representatives_accepted_six_rejected():
    five = [person(i) for i in range(5)]
    out = intake_validate(payload(representatives=five, workers_affected=12))
    assert len(out["representatives"]) == 5 and out["is_collective"] is True
    errs = errors_of(payload(representatives=[*five, person(5)], workers_affected=12))
    assert set(errs) == {"representatives"}


def test_invalid_representative_keyed_by_index():
    reps = [person(0), person(1, id_number="540102199001011230")]
    assert set(errors_of(payload(representatives=reps, workers_affected=12))) == {"representatives.1.id_number"}


def test_collective_complaint_needs_two_workers():
    assert set(errors_of(payload(representatives=[person(0)], workers_affected=1))) == {"workers_affected"}
    assert set(errors_of(payload(workers_affected=0))) == {"workers_affected"}


def test_construction_without_project_name_rejected():
    assert set(errors_of(payload(sector="construction", project_name=""))) == {"project_name"}
    assert intake_validate(payload(sector="other", project_name=""))["project_name"] == ""


def test_worker_under_16_at_violation_start_rejected():
    start = dt.date(2026, 7, 1)
    too_young = id_born(dt.date(2010, 7, 2))   # 15 on 1 July 2026, 16 the next day
    just_16 = id_born(dt.date(2010, 7, 1))     # 16th birthday on the start date
    c = payload()["complainant"]
    errs = errors_of(payload(violation_start=start.isoformat(), complainant={**c, "id_number": too_young}))
    assert set(errs) == {"complainant.id_number"}
    out = intake_validate(payload(violation_start=start.isoformat(), complainant={**c, "id_number": just_16}))
    assert out["complainant"]["birth_date"] == dt.date(2010, 7, 1)


def test_representative_under_16_rejected_too():
    reps = [person(0), person(1, id_number=id_born(dt.date(2012, 1, 1), seq="101"))]
    assert set(errors_of(payload(representatives=reps, workers_affected=5))) == {"representatives.1.id_number"}


def test_future_birth_date_in_id_rejected():
    c = payload()["complainant"]
    errs = errors_of(payload(complainant={**c, "id_number": id_born(dt.date(2026, 12, 1))}))
    assert set(errs) == {"complainant.id_number"}


def test_not_a_dict():
    assert set(errors_of(["not", "a", "dict"])) == {"__all__"}
    assert "employer" in errors_of(payload(employer="某公司"))


# --- the guided form: one step at a time ---------------------------------------------------------------------

def _broken_everywhere():
    return {"kind": "", "complainant": {"name": ""}, "workers_affected": "x", "representatives": "x",
            "employer": {"name": ""}, "region_code": "", "sector": "construction", "project_name": "",
            "employment_status": "left", "employment_end_date": "", "violation_start": "", "violation_end": "",
            "items": [{"category": "nope"}], "facts": ""}


def _top(path: str) -> str:
    return re.split(r"\.", path)[0]


@pytest.mark.parametrize("step", sorted(STEP_FIELDS))
def test_step_validation_reports_only_that_steps_fields(step):
    errs = errors_of(_broken_everywhere(), fields=STEP_FIELDS[step])
    assert errs, "each step has something broken"
    assert {_top(p) for p in errs} <= set(STEP_FIELDS[step])


def test_full_validation_reports_every_step():
    errs = errors_of(_broken_everywhere())
    tops = {_top(p) for p in errs}
    for step, names in STEP_FIELDS.items():
        assert tops & set(names), step


def test_a_valid_step_passes_even_if_later_steps_are_empty():
    data = {k: v for k, v in payload().items() if k in STEP_FIELDS[1]}
    out = intake_validate(data, fields=STEP_FIELDS[1])
    assert out["complainant"]["name"] == "扎西"


# --- language ------------------------------------------------------------------------------------------------

def test_messages_follow_the_active_language_chinese_by_default():
    data = payload(employer={"name": ""})
    default = errors_of(data)["employer.name"][0]
    with translation.override("en"):
        english = errors_of(data)["employer.name"][0]
    assert english == "This field is required."
    assert default != english and re.search(r"[\u4e00-\u9fff]", default)
