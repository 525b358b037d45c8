"""Identifiers and masking: resident ID numbers (GB 11643), unified social credit codes (GB 32100), phones.

Check characters are computed with python-stdnum's ``calc_check_digit``; the format rules are the spec's own (§13),
not ``stdnum``'s ``validate()``, which is stricter than the standards in two ways that reject real people and
employers here:
- ``stdnum.cn.ric.validate`` also requires that the address code existed in the holder's birth year. An ID number
  keeps the code of the place where it was first issued, and Tibet's prefecture-level cities were renumbered in
  2014-2017 (日喀则 5402xx from 2014, 那曲 5406xx from 2017, ...): someone born in 2000 whose number was issued
  in Shigatse after 2014 holds a perfectly valid 540202-2000... number that stdnum rejects. Codes newer than
  stdnum's table would be rejected too.
- ``stdnum.cn.uscc.validate`` requires the first two characters to be digits, but GB 32100 allows letters there
  (registration authority ``N`` for rural collective economic organisations, ``Y`` for others, ...).
This module adds the rules the spec layers on top (a real birth date not in the future, minimum age, region
derivation) and the deterministic masks of spec §14.
"""
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc

__all__ = [
    "normalise_id_number", "validate_id_number", "IdInfo", "normalise_uscc", "validate_uscc", "UsccInfo",
    "validate_phone", "mask_id_public", "mask_id_for_employer", "mask_phone", "mask_name", "mask_numbers_in_text",
    "contact_numbers_in_text",
]

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
# GB 32100 (spec §13.1): authority and type from the 31-character set, 6-digit region, 10 more characters.
USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"
    region_code: str


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def validate_id_number(value: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate an 18-digit resident ID number; return what it encodes. Raises ValidationError with a message
    the user can act on."""
    number = normalise_id_number(value)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number has 18 characters: 17 digits and a last digit or X."), code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside this ID number is not a real date."), code="id_birth_date")
    today = today or dt.date.today()
    if birth > today:
        raise ValidationError(_("The birth date inside this ID number is in the future."), code="id_birth_future")
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _("This ID number's check digit is wrong. Please check each digit against the ID card."),
            code="id_checksum")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdInfo(number=number, birth_date=birth, gender=gender, region_code=number[:6])


@dataclass(frozen=True)
class UsccInfo:
    code: str
    registration_authority: str
    entity_type: str
    registration_region_code: str
    org_code: str


def normalise_uscc(value: str) -> str:
    return re.sub(r"[\s-]+", "", value or "").upper()


def validate_uscc(value: str) -> UsccInfo:
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    if not USCC_RE.match(code) or uscc.calc_check_digit(code) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid (its check character does not match)."),
            code="uscc_invalid")
    return UsccInfo(code=code, registration_authority=code[0], entity_type=code[1],
                    registration_region_code=code[2:8], org_code=code[8:17])


def validate_phone(value: str) -> str:
    phone = re.sub(r"[\s-]+", "", value or "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise ValidationError(_("Enter an 11-digit mainland mobile number, for example 13800000000."),
                              code="phone_format")
    return phone


def mask_id_public(number: str) -> str:
    """Public registry form (spec §14): first 6 + 8 stars + last 4, hiding the birth date."""
    if not number:
        return ""
    if len(number) != 18:
        return "*" * len(number)
    return number[:6] + "*" * 8 + number[-4:]


def mask_id_for_employer(number: str) -> str:
    """Documents served on the employer (spec §14): first 4 + 10 stars + last 4."""
    if not number:
        return ""
    if len(number) != 18:
        return "*" * len(number)
    return number[:4] + "*" * 10 + number[-4:]


def mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) != 11:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


# A run of digits as people write them in free text: half- or full-width, with spaces or dashes between the digits
# ("138 0000-0001", "１３８００００００００"), an ID number's final X included.
_SEP = r"[\s\-\u2010-\u2015\u00a0]*"
_NUMBER_RUN = re.compile(r"[0-9\uff10-\uff19](?:" + _SEP + r"[0-9\uff10-\uff19])*(?:" + _SEP + r"[XxＸｘ](?![A-Za-z]))?")
_ID_IN_RUN = re.compile(r"\d{17}[\dX]")
_PHONE_IN_RUN = re.compile(r"1[3-9]\d{9}")


def _numbers_of_run(run: str) -> list[tuple[str, str]]:
    digits = re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", run).upper())
    found = []
    id_match = _ID_IN_RUN.search(digits)
    if id_match:
        found.append(("id", id_match.group(0)))
        digits = digits[:id_match.start()] + " " + digits[id_match.end():]
    phone = _PHONE_IN_RUN.search(digits)
    if phone:
        found.append(("phone", phone.group(0)))
    return found


def contact_numbers_in_text(text: str) -> list[tuple[str, str]]:
    """Every ID number ("id") and mainland mobile number ("phone") in free text, however it is written: plain,
    spaced or dashed, full-width, lower-case x. Used to refuse a text that would publish one (blacklist disclosure
    privacy review) and to mask them where a text is shown (``mask_numbers_in_text``)."""
    return [n for m in _NUMBER_RUN.finditer(text or "") for n in _numbers_of_run(m.group(0))]


def mask_numbers_in_text(text: str) -> str:
    """Free text (an objection, a note) as it may be shown to someone who must not see a worker's contact data:
    every run of digits that holds an ID number or a mobile number masked in the public forms above; everything
    else, Chinese punctuation included, left exactly as written."""
    def masked(m):
        found = _numbers_of_run(m.group(0))
        if not found:
            return m.group(0)
        return " ".join(mask_id_public(n) if kind == "id" else mask_phone(n) for kind, n in found)

    return _NUMBER_RUN.sub(masked, text or "")


def mask_name(name: str) -> str:
    """A public summary names a person as surname + 某 (spec §14). Two-character surnames are rare; we take one."""
    if not name:
        return ""
    return name[0] + "某"
