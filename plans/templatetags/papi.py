from django import template

register = template.Library()


@register.filter
def full_name(user):
    """Vietnamese order: family and middle names (last_name) before the given name."""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


@register.filter
def abs_value(number):
    return abs(number)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, None when absent."""
    return mapping.get(key) if mapping else None


@register.filter
def minutes(duration):
    """A timedelta in whole minutes."""
    return int(duration.total_seconds() // 60) if duration else 0
