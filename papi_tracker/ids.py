"""Ids sent back by the app's own forms (checkboxes, buttons, filters), read without trusting them:
ASCII digits only ("²" is a digit to str.isdigit but not to int), and no longer than a database
id can be, so junk is left out instead of raising (a 500)."""

MAX_ID_DIGITS = 11


def given_id(value):
    """The id in `value`, or None when it is not one."""
    value = str(value or "")
    if value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None


def given_ids(values):
    """The ids among `values`, sorted, each once; junk left out."""
    return sorted({i for i in map(given_id, values) if i is not None})
