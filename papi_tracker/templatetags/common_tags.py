"""The app's generic template library (`{% load common_tags %}`): filters every app's pages use,
and the fast form field. The HTML of `{% field %}` and the links of `url_for` are written in
`papi_tracker.fast_html`, with the reasons and the measured gains."""

import datetime
import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from papi_tracker import fast_html

register = template.Library()

# A space between a number and its "%" ("22 %", as Vietnamese writes it), to be kept on one line.
PERCENT_GAP = re.compile(r"(?<=\d) (?=%)")


@register.filter(needs_autoescape=True)
def nbsp_percent(text, autoescape=True):
    """ "đạt 22 %" with a non-breaking space, so "%" never starts a line. For whole sentences
    from `{% blocktranslate … asvar s %}`: the msgids keep their plain space, every language
    gets the fix."""
    text = conditional_escape(text) if autoescape else str(text)
    return mark_safe(PERCENT_GAP.sub("\u00a0", text))


@register.filter
def clause(text):
    """Text to be joined with "; " or ended with ".": without its own final "." ";" "," or spaces,
    so a sentence never reads ".;" or ".."."""
    return str(text or "").rstrip().rstrip(".;,").rstrip()


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
def parse_iso_date(value):
    """A date carried as "2020-04-10" (a signed preview is JSON) back into a date, for |date."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@register.filter
def minutes(duration):
    """A timedelta in whole minutes."""
    return int(duration.total_seconds() // 60) if duration else 0


@register.simple_tag(takes_context=True)
def field(context, bound):
    """A form field's label, widget and errors, as Django would write them (fast_html.field)."""
    return fast_html.field(fast_html.page_memo(context), bound)


@register.filter
def url_for(pk, name):
    """{% url name pk %} for a URL whose only argument is a whole number (fast_html.url_for)."""
    return fast_html.url_for(pk, name)
