"""Citizen ID numbers (GB 11643-1999): validation, masking, encryption at rest and a blind index.

The number is personal data: it is stored encrypted (Fernet), shown masked, and only a keyed digest
(HMAC-SHA256) is kept in clear so duplicates can be found without decrypting every row.

`fake()` makes believable numbers for the demo, the tests and the benchmarks: the one generator they share.
"""

import base64
import datetime
import hashlib
import hmac
import random
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PATTERN = re.compile(r"^\d{17}[\dX]$", re.ASCII)


def normalize(value: str) -> str:
    # NFKC turns full-width digits and Ｘ (typed with a Chinese input method) into ASCII, so the same number
    # always has the same digest.
    return unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


# The registration areas (the first six digits) of made-up numbers when the caller names none. Callers that must
# not collide with each other draw from their own areas: seed_scale and the benchmark's import file use others.
FAKE_AREAS = ("110105", "310104", "440106", "320102", "510107", "420106")


def fake(
    rng: random.Random, born: datetime.date, male: bool, area: str | Sequence[str] | None = None, *,
    serial: int | None = None,
) -> str:
    """A made-up number that `validate` accepts: area, birth date, a three-digit order code whose last digit is
    odd for a man and even for a woman (the standard's sex digit), and the check character.

    `area` is a code, or codes to draw one from (FAKE_AREAS by default). The order code is drawn from `rng`
    unless `serial` (0-499) fixes it: numbers with different serials never collide for the same area, birth date
    and sex. Nothing but `rng` is drawn from, so a seeded rng gives the same numbers every run."""
    if area is None or not isinstance(area, str):
        area = rng.choice(area or FAKE_AREAS)
    if serial is None:
        order = f"{rng.randint(10, 99):02d}{rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))}"
    else:
        if not 0 <= serial < 500:
            raise ValueError(f"serial must be in 0-499, not {serial}")
        order = f"{2 * serial + (1 if male else 0):03d}"
    first17 = f"{area}{born:%Y%m%d}{order}"
    return first17 + check_char(first17)


def birth_date_of(number: str) -> datetime.date | None:
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def is_male(number: str) -> bool:
    return int(number[16]) % 2 == 1


def validate(
    value: str, *, birth_date: datetime.date | None = None, gender: str | None = None
) -> str:
    """Return the normalized number or raise ValidationError with a message for the user."""
    number = normalize(value)
    if not PATTERN.match(number):
        raise ValidationError(
            _("A citizen ID number has 18 characters: 17 digits and a final digit or X."), code="format"
        )
    if check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this citizen ID number is wrong; please check for a typing error."),
            code="check_digit",
        )
    born = birth_date_of(number)
    if born is None or born > timezone.localdate() or born.year < 1900:
        raise ValidationError(_("The citizen ID number holds an impossible birth date."), code="birth_date")
    if birth_date and born != birth_date:
        raise ValidationError(
            _("The citizen ID number gives the birth date %(id_date)s but the birth date field says %(field)s.")
            % {"id_date": born.isoformat(), "field": birth_date.isoformat()},
            code="birth_mismatch",
        )
    if gender in ("male", "female") and is_male(number) != (gender == "male"):
        raise ValidationError(
            _("The citizen ID number's sex digit does not match the gender given."), code="gender_mismatch"
        )
    return number


def mask(number: str) -> str:
    """Only the last four characters. The first six name the place of registration and the next eight the birth
    date, so showing them beside a page's birth date would leave a handful of candidates for the rest."""
    if not number:
        return ""
    return "*" * (len(number) - 4) + number[-4:]


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    material = hashlib.sha256(("chuxin.citizen_id." + secret).encode()).digest()
    digest_key = hashlib.sha256(("chuxin.citizen_id.digest." + secret).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material)), digest_key


def _secret() -> str:
    return settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY


def encrypt(number: str) -> str:
    return _keys(_secret())[0].encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    return _keys(_secret())[0].decrypt(token.encode()).decode()


def digest(number: str) -> str:
    return hmac.new(_keys(_secret())[1], number.encode(), hashlib.sha256).hexdigest()
