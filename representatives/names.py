"""Searching people's names as they are typed.

Names of Uyghur, Kazakh, Tibetan and other ethnic-minority deputies (and transliterated foreign names) join
their parts with the middle dot 「·」 (阿卜杜·艾尼). Keyboards and input methods give several look-alikes
instead: the bullet •, the katakana middle dot ・, a full stop, and others; whichever one was stored or is
typed in a search, the name must be found.
"""

from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.db.models.lookups import Contains

MIDDLE_DOT = "·"
# The bullet, katakana middle dots (full and half width), the hyphenation point, the bullet and dot operators,
# the Greek ano teleia, and full stops (ASCII, full width, ideographic).
DOT_VARIANTS = "\u2022\u30fb\uff65\u2027\u2219\u22c5\u0387.\uff0e\u3002"


def fold_dots(text: str) -> str:
    """``text`` with every middle-dot look-alike written as the middle dot."""
    return text.translate(FOLD)


FOLD = str.maketrans(dict.fromkeys(DOT_VARIANTS, MIDDLE_DOT))


def name_contains(field: str, text: str) -> Q:
    """Rows whose ``field`` contains ``text``, reading every middle-dot look-alike on both sides as one.

    Only a search that has a dot in it folds the column (in SQL, so it works on SQLite and PostgreSQL alike):
    folding changes dots and nothing else, so a search without one finds the same rows without it.
    """
    folded = fold_dots(text)
    if MIDDLE_DOT not in folded:
        return Q(**{f"{field}__contains": text})
    column = F(field)
    for variant in DOT_VARIANTS:
        column = Replace(column, Value(variant), Value(MIDDLE_DOT))
    return Q(Contains(column, folded))


def full_name(user) -> str:
    """A person's name as written in Chinese: family name first, no space (张三); empty if none is recorded."""
    return f"{user.last_name}{user.first_name}".strip()


def person_name(user) -> str:
    """How lists, forms and exports name a user: the full name, else the login name; empty for nobody."""
    if user is None:
        return ""
    return full_name(user) or user.username
