"""Validators that separate real identifiers from look-alike digit strings: checksums and shapes."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number passes."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The issuer an IIN prefix and length belong to, or None: Luhn alone passes 1 in 10 random numbers."""
    n = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= two <= 55 or 2221 <= four <= 2720) and n == 16:
        return "mastercard"
    if two in (34, 37) and n == 15:
        return "amex"
    if (digits.startswith("6011") or two == 65 or 644 <= int(digits[:3]) <= 649) and n in (16, 19):
        return "discover"
    if two == 62 and 16 <= n <= 19:
        return "unionpay"
    if 3528 <= four <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305) and 14 <= n <= 19:
        return "diners"
    return None


def card_ok(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and luhn_ok(digits) and card_brand(digits) is not None


def cn_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a Chinese resident ID (GB 11643)."""
    return _CN_CHECK[sum(int(c) * w for c, w in zip(first17, _CN_WEIGHTS, strict=True)) % 11]


def cn_id_ok(value: str, *, today: date | None = None) -> bool:
    """An 18-character Chinese resident ID: region code not starting with 0 or 9, a real birth date
    not in the future nor before 1900, and the MOD 11-2 check character."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    check = value[17].upper()
    if check not in "0123456789X" or value[0] in "09":
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > (today or date.today()):
        return False
    return cn_id_check_char(value[:17]) == check


def ssn_ok(area: str, group: str, serial: str) -> bool:
    """US SSN shape rules: area not 000, 666 or 900-999; group not 00; serial not 0000."""
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def entropy_bits(value: str) -> float:
    """Shannon entropy per character: random keys are near log2(alphabet) (5.95 for base64), words
    and repeated characters well below."""
    if not value:
        return 0.0
    counts = Counter(value)
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in counts.values())
