"""Choice labels for pages that list many rows."""


def label_of(choices, value):
    """A choice's label, as get_FOO_display() gives it: that method hashes every label of the
    field at each call, and hashing a lazy label translates it (a list of a hundred rows paid
    a thousand translations). A value outside the choices is returned as it is, as there."""
    try:
        return choices(value).label
    except ValueError:
        return value
