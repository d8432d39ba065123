from django import forms, template
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

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


@register.simple_tag(takes_context=True)
def field(context, bound):
    """A form field's label, widget and errors, as Django would write them, for text inputs,
    text areas and single selects (anything else goes through Django's own rendering). Django
    renders each widget and label through a template of its own, and translates each label
    again for each form: a report form's hundreds of fields made its page slow. Here each
    label and list of options is translated and escaped once per page."""
    memo = page_memo(context)
    widget = bound.field.widget
    attrs = _attributes(bound.build_widget_attrs({**widget.attrs, "id": bound.auto_id}))
    name = escape(bound.html_name)
    value = bound.value()
    if isinstance(widget, forms.Textarea):
        control = f'<textarea name="{name}"{attrs}>\n{escape(widget.format_value(value) or "")}</textarea>'
    elif isinstance(widget, forms.Select) and not widget.allow_multiple_selected and not _grouped(bound.field.choices):
        chosen = "" if value is None else str(value)
        options = "".join(
            f'<option value="{key}"{" selected" if raw == chosen else ""}>{label}</option>'
            for raw, key, label in _options(bound.field.choices, memo)
        )
        control = f'<select name="{name}"{attrs}>{options}</select>'
    elif isinstance(widget, forms.widgets.Input) and widget.input_type in ("text", "number", "email", "date", "hidden"):
        shown = widget.format_value(value)
        shown = f' value="{escape(shown)}"' if shown is not None else ""
        control = f'<input type="{widget.input_type}" name="{name}"{shown}{attrs}>'
    elif isinstance(widget, forms.ClearableFileInput) and not widget.is_initial(value):
        control = f'<input type="file" name="{name}"{attrs}>'
    else:
        control = str(bound)
    errors = bound.errors
    return mark_safe(f"{_label(bound, memo)} {control}{errors if errors else ''}")


MEMO = "papi.field"


def page_memo(context):
    """What tags keep for the page being rendered (translated labels, options)."""
    memo = context.render_context.get(MEMO)
    if memo is None:
        memo = context.render_context[MEMO] = {}
    return memo


def _attributes(attrs):
    """What django.forms.utils.flatatt writes (True: the bare name; False and None: nothing)."""
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(f" {key}")
        elif value is not False and value is not None:
            parts.append(f' {key}="{escape(value)}"')
    return "".join(parts)


def _grouped(choices):
    """Whether the choices have option groups (left to Django's rendering)."""
    return isinstance(choices, (list, tuple)) and any(isinstance(label, (list, tuple)) for _key, label in choices)


def _options(choices, memo):
    """[(value, escaped value, escaped label)]; a fixed list's are kept for the page (forms
    copy their fields, but the copies share the label objects)."""
    if not isinstance(choices, (list, tuple)):  # e.g. a queryset's: read afresh
        return [_option(k, label) for k, label in choices]
    key = ("options", tuple((k, id(label)) for k, label in choices))
    if key not in memo:  # kept with the choices, so that no id in the key is reused
        memo[key] = ([_option(k, label) for k, label in choices], choices)
    return memo[key][0]


def _option(key, label):
    """(value as compared, value as written, label as written); None is written empty, as Django does."""
    value = "" if key is None else str(key)
    return value, escape(value), conditional_escape(label)


def _label(bound, memo):
    """What BoundField.label_tag() writes, without its template."""
    suffix = bound.field.label_suffix if bound.field.label_suffix is not None else bound.form.label_suffix
    key = ("label", id(bound.label), suffix)
    if key not in memo:
        contents = conditional_escape(bound.label)
        if suffix and contents and contents[-1] not in ":?.!":
            contents += conditional_escape(suffix)
        memo[key] = (contents, bound.label)  # the label is kept alive, so its id is not reused
    contents = memo[key][0]
    target = bound.field.widget.id_for_label(bound.auto_id) if bound.auto_id else ""
    return f'<label for="{escape(target)}">{contents}</label>' if target else f"<label>{contents}</label>"


@register.filter
def url_for(pk, name):
    """{% url name pk %} for a URL whose only argument is a whole number, reversed once per
    name: a dashboard links hundreds of cells to their reports, and each {% url %} walks the
    URL map again."""
    prefix = get_script_prefix()
    pattern = _URL_PATTERNS.get((name, prefix))
    if pattern is None:
        pattern = _URL_PATTERNS[(name, prefix)] = reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")
    return pattern.format(int(pk))


_PLACEHOLDER = 987654321
_URL_PATTERNS = {}
