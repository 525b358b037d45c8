"""Identifier checks (spec §13) and the deterministic masks of spec §14."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from casework.identity import (mask_id_for_employer, mask_id_public, mask_name, mask_phone, normalise_id_number,
                               validate_id_number, validate_phone, validate_uscc)

ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def with_check_digit(body17: str) -> str:
    """Spec §13.2's algorithm, written out independently of the code under test."""
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS)) % 11]


def test_spec_weights():
    assert ID_WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert [pow(3, i, 31) for i in range(17)] == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


# --- §13.2 resident ID --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number,birth,gender,region", [
    ("540102199001011233", dt.date(1990, 1, 1), "M", "540102"),
    ("11010519491231002X", dt.date(1949, 12, 31), "F", "110105"),
])
def test_spec_valid_id_numbers(number, birth, gender, region):
    info = validate_id_number(number)
    assert info.number == number
    assert info.birth_date == birth and info.gender == gender and info.region_code == region


@pytest.mark.parametrize("number,code", [
    ("540102199001011230", "id_checksum"),    # expected check is 3
    ("540102199001011234", "id_checksum"),    # expected check is 3
    ("540102199002301230", "id_birth_date"),  # 30 February
])
def test_spec_invalid_id_numbers(number, code):
    with pytest.raises(ValidationError) as e:
        validate_id_number(number)
    assert e.value.code == code


def test_thirty_february_rejected_even_with_a_correct_check_digit():
    number = with_check_digit("54010219900230123")
    with pytest.raises(ValidationError) as e:
        validate_id_number(number)
    assert e.value.code == "id_birth_date"


def test_lowercase_x_is_normalised():
    info = validate_id_number("11010519491231002x")
    assert info.number == "11010519491231002X"
    assert normalise_id_number(" 110105 19491231 002x ") == "11010519491231002X"


def test_future_birth_date_rejected():
    number = with_check_digit("54010220270101123")
    with pytest.raises(ValidationError) as e:
        validate_id_number(number, today=dt.date(2026, 11, 26))
    assert e.value.code == "id_birth_future"
    # born today is not in the future
    today_born = with_check_digit("54010220261126123")
    assert validate_id_number(today_born, today=dt.date(2026, 11, 26)).birth_date == dt.date(2026, 11, 26)


@pytest.mark.parametrize("number", ["", "54010219900101123", "5401021990010112333", "54010219900101123A",
                                    "X40102199001011233", "54010219900101123 3"[:17] + "Y"])
def test_malformed_id_numbers(number):
    with pytest.raises(ValidationError) as e:
        validate_id_number(number)
    assert e.value.code == "id_format"


def test_even_sequence_digit_is_female():
    number = with_check_digit("54010219900101124")
    assert validate_id_number(number).gender == "F"


# --- §13.1 unified social credit code ------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["91540100MA6T00012D", "91350100M000100Y43"])
def test_spec_valid_uscc(code):
    assert validate_uscc(code).code == code


@pytest.mark.parametrize("code", ["91540100MA6T00012E", "91110000100000000X"])
def test_spec_invalid_uscc(code):
    with pytest.raises(ValidationError) as e:
        validate_uscc(code)
    assert e.value.code == "uscc_invalid"


@pytest.mark.parametrize("code", ["", "91540100MA6T0001", "91540100MA6T00012DD"])
def test_uscc_wrong_length(code):
    with pytest.raises(ValidationError) as e:
        validate_uscc(code)
    assert e.value.code == "uscc_length"


def test_uscc_excluded_letters_rejected():
    # I, O, Z, S, V are not in the character set, whatever the check character
    for bad in "IOZSV":
        with pytest.raises(ValidationError):
            validate_uscc("91540100MA6T0001" + bad + "D")


def test_uscc_lowercase_and_spaces_normalised_and_region_derived():
    info = validate_uscc(" 91540100ma6t00012d ")
    assert info.code == "91540100MA6T00012D"
    assert info.registration_authority == "9"        # market regulation
    assert info.entity_type == "1"                   # enterprise
    assert info.registration_region_code == "540100"  # Lhasa
    assert info.org_code == "MA6T00012"


# --- phones --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw,clean", [("13812341234", "13812341234"), ("+86 138-1234-1234", "13812341234"),
                                       ("19912345678", "19912345678")])
def test_valid_phones(raw, clean):
    assert validate_phone(raw) == clean


@pytest.mark.parametrize("raw", ["12812341234", "1381234123", "138123412345", "0891-6321234", ""])
def test_invalid_phones(raw):
    with pytest.raises(ValidationError):
        validate_phone(raw)


# --- §14 masks ----------------------------------------------------------------------------------------------------

def test_masks_from_the_spec():
    assert mask_id_public("540102199001011233") == "540102********1233"
    assert mask_id_for_employer("540102199001011233") == "5401**********1233"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("扎西") == "扎某"
    assert mask_name("张三丰") == "张某"


def test_masks_hide_the_birth_date_and_are_deterministic():
    number = "11010519491231002X"
    assert "19491231" not in mask_id_public(number) and "1949" not in mask_id_for_employer(number)
    assert mask_id_public(number) == mask_id_public(number) == "110105********002X"
    assert len(mask_id_public(number)) == len(mask_id_for_employer(number)) == 18


@pytest.mark.parametrize("fn", [mask_id_public, mask_id_for_employer, mask_phone, mask_name])
def test_masks_of_empty_values(fn):
    assert fn("") == ""


def test_masks_never_leak_an_unexpected_shape():
    assert mask_id_public("A1234567") == "********"
    assert mask_id_for_employer("A1234567") == "********"
    assert mask_phone("0891632") == "*******"


# --- regressions: stdnum's validate() is stricter than the standards ---------------------------------------------

def uscc_with_check(body17: str) -> str:
    """Spec §13.1's algorithm, written out independently of the code under test."""
    s = sum(USCC_CHARS.index(c) * pow(3, i, 31) for i, c in enumerate(body17))
    return body17 + USCC_CHARS[(31 - s % 31) % 31]


@pytest.mark.parametrize("body17", [
    "54020220000101123",   # 桑珠孜区 (code from 2014), born 2000: issued in Shigatse after the renumbering
    "54060219950615002",   # 色尼区 (code from 2017), born 1995
    "54010219800101100",   # 城关区 (code from 1983), born 1980
    "54990119900101123",   # a code newer than any library's table
])
def test_id_valid_whatever_year_its_address_code_was_created(body17):
    number = with_check_digit(body17)
    assert validate_id_number(number).region_code == body17[:6]
    wrong = body17 + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError):
        validate_id_number(wrong)


@pytest.mark.parametrize("body17", [
    "N2540100MA6T00012",   # rural collective economic organisation (农业农村部门)
    "Y1540100MA6T00012",   # other registration authority
    "A1540100MA6T00012",
])
def test_uscc_with_letter_authority_code_is_valid(body17):
    code = uscc_with_check(body17)
    info = validate_uscc(code)
    assert info.registration_authority == body17[0] and info.registration_region_code == "540100"


@pytest.mark.parametrize("code", [
    uscc_with_check("915401A0MA6T00012"),   # region must be 6 digits
    uscc_with_check("9154010AMA6T00012"),
])
def test_uscc_format_rules_with_a_correct_check_character(code):
    with pytest.raises(ValidationError) as e:
        validate_uscc(code)
    assert e.value.code == "uscc_invalid"


def test_numbers_in_free_text_are_masked_however_written():
    """casework.identity.mask_numbers_in_text: ID and mobile numbers in a worker's own words (an objection) are
    masked whether written plainly, with spaces or dashes, in full-width digits or with a lower-case x; other
    numbers and Chinese punctuation stay exactly as written."""
    from casework.identity import mask_numbers_in_text as mask

    assert mask("我的电话13800000001，身份证540102199001011233。") == "我的电话138****0001，身份证540102********1233。"
    assert mask("电话：138 0000-0001，请联系") == "电话：138****0001，请联系"
    assert mask("１３８００００００００号") == "138****0000号"
    assert mask("身份证54010219900101123x号") == "身份证540102********123X号"
    assert mask("ID 540102 19900101 1233 end") == "ID 540102********1233 end"
    assert mask("工资12000元，2025年3月，合同号 2025-06-02") == "工资12000元，2025年3月，合同号 2025-06-02"
    assert mask("") == "" and mask(None) == ""


def test_contact_numbers_in_text_finds_both_kinds_however_written():
    from casework.identity import contact_numbers_in_text as find, mask_numbers_in_text as mask

    assert find("电话：138  0000 - 0001，身份证 540102 19900101 1233") == [("phone", "13800000001"),
                                                                        ("id", "540102199001011233")]
    assert find("５４０１０２１９９００１０１１２３ｘ") == [("id", "54010219900101123X")]
    # an ID and a phone written together are both found, and both masked
    assert find("540102199001011233 13800000001") == [("id", "540102199001011233"), ("phone", "13800000001")]
    assert mask("540102199001011233 13800000001") == "540102********1233 138****0001"
    assert find("藏人社监〔2026〕12号，工资12000元，合同号 2025-06-02") == []
