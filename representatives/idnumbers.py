"""Resident ID numbers (公民身份号码, GB 11643-1999): normalising what people type and checking what it says.

An 18-character number is a six-digit area code (GB/T 2260), the birth date as YYYYMMDD, a three-digit
sequence whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character
(0-9 or X). The checks here need no network and no area-code table: the province part of the area code is
checked against the list below, which changes far less often than county codes do.
"""

import datetime
import re
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# Province-level codes of GB/T 2260, and 81-83 for the residence permits of Hong Kong, Macao and Taiwan
# residents, which use the same format with the area code 810000, 820000 or 830000.
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43"]
    + ["44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"]
)
PERMIT_PROVINCES = frozenset({"81", "82", "83"})
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
SHAPE = re.compile(r"\d{17}[\dX]")


def normalise(text: str) -> str:
    """What a person meant: full-width characters made ASCII, spaces dropped, a trailing x made X.

    A leading apostrophe is what people type in a spreadsheet to keep a number as text; it is not part of it.
    """
    value = unicodedata.normalize("NFKC", text or "")
    value = "".join(value.split()).removeprefix("'")
    return value.upper()


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11]


def build(area_code: str, birth: datetime.date, sequence: int) -> str:
    """A number with a valid check character, for demo data and tests (not a real person's)."""
    first17 = f"{area_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def birth_date(number: str) -> datetime.date | None:
    """The birth date inside a well-formed number, or None when those eight digits are not a date."""
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_male(number: str) -> bool:
    return int(number[16]) % 2 == 1


def problems(number: str) -> list[str]:
    """Why ``number`` (already normalised) is not a valid resident ID number; empty when it is."""
    if number.isdigit() and len(number) == 15:
        return [_("“%(value)s”是 15 位的第一代身份证号码，已停止使用，请填写 18 位号码。") % {"value": number}]
    if not SHAPE.fullmatch(number):
        return [_("身份证号“%(value)s”格式不对：应为 18 位，前 17 位是数字，最后一位是数字或 X。") % {"value": number}]
    errors = []
    province, area = number[:2], number[:6]
    if province not in PROVINCE_CODES:
        errors.append(_("身份证号前两位“%(code)s”不是省级行政区划代码。") % {"code": province})
    elif area.endswith("0000") and province not in PERMIT_PROVINCES:
        errors.append(_("身份证号前六位“%(code)s”不是县级行政区划代码。") % {"code": area})
    born = birth_date(number)
    if born is None:
        errors.append(_("身份证号中的出生日期“%(value)s”不存在。") % {"value": number[6:14]})
    elif not EARLIEST_BIRTH <= born <= timezone.localdate():
        errors.append(_("身份证号中的出生日期 %(date)s 不合理。") % {"date": born.isoformat()})
    if not errors and check_character(number[:17]) != number[17]:
        errors.append(_("身份证号的校验位（最后一位）不符，号码中可能有录错的数字，请与身份证核对。"))
    return errors


def mismatches(number: str, *, birth: datetime.date | None, gender: str) -> dict[str, str]:
    """Where a deputy's birth date and sex (``"M"``/``"F"``) disagree with a valid number, by field name."""
    errors = {}
    born = birth_date(number)
    if birth is not None and born is not None and birth != born:
        errors["birth_date"] = _("出生日期与身份证号不一致：身份证号中的出生日期是 %(date)s。") % {
            "date": born.isoformat()
        }
    if gender in ("M", "F") and (gender == "M") != is_male(number):
        errors["gender"] = _("性别与身份证号不一致：身份证号第 17 位表示%(gender)s性。") % {
            "gender": _("男") if is_male(number) else _("女")
        }
    return errors
