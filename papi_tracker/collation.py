"""Names in Vietnamese alphabetical order, in the database and in Python alike.

The order is the dictionary's: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j,
w, z of foreign names in their Latin places), the tones (ngang, huyền, hỏi, ngã, sắc, nặng)
deciding only between names otherwise equal, then case. Byte order, SQLite's default, puts
"Đắk Nông" after "Yên Bái" and "Ắ" after "Z".

PostgreSQL has this order as ICU's collation "vi-x-icu" (Debian's PostgreSQL 15 is built with
ICU); on SQLite a collation of the same name is registered on every connection
(`register_sqlite_collation`, connected in PapiTrackerConfig.ready) with `sort_key` below, so
`vietnamese("name")` orders the same on both. Python code that sorts names uses `sort_key`.
"""

import gc
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

VIETNAMESE = "vi-x-icu"

# Base letters with their marks that make separate letters (breve, circumflex, horn, đ).
LETTERS = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m",
    "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
RANK = {letter: index for index, letter in enumerate(LETTERS)}
LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def _letters(text):
    """[(letter, tone, is upper)…] of a text: each base letter with its letter marks composed back."""
    result = []
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char):
            if not result:
                continue
            letter, tone, upper = result[-1]
            if char in LETTER_MARKS:
                letter = unicodedata.normalize("NFC", letter + char)
            elif char in TONES:
                tone = TONES[char]
            result[-1] = (letter, tone, upper)
        else:
            result.append((char.lower(), 0, char.isupper()))
    return result


def sort_key(text):
    """A key that sorts texts in Vietnamese order: letters first, then tones, then case."""
    letters = _letters(str(text or ""))
    primary = tuple(RANK.get(letter, 100 + ord(letter)) if letter.isalpha() else ord(letter) - 1000 for letter, _t, _u in letters)
    return primary, tuple(tone for _l, tone, _u in letters), tuple(upper for _l, _t, upper in letters)


def compare(first, second):
    """SQLite's collation callback: -1, 0 or 1.

    SQLite calls it in the middle of a statement, holding its locks. A garbage collection run
    from here could finalize a connection nobody closed, and closing it waits for those locks:
    with a shared cache (the tests' in-memory database, served to the browser by another thread)
    the process deadlocked, seen twice in the browser tests. So no collection runs inside."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        a, b = sort_key(first), sort_key(second)
    finally:
        if collecting:
            gc.enable()
    return (a > b) - (a < b)


def vietnamese(field):
    """An ordering expression for a text field in Vietnamese order: `.order_by(vietnamese("name"))`."""
    return Collate(F(field), VIETNAMESE)


def register_sqlite_collation(sender, connection, **kwargs):
    """Connected to connection_created: SQLite learns the collation PostgreSQL has from ICU."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(VIETNAMESE, compare)
