from django import forms, template
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
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


@register.simple_tag
def field(bound):
    """A form field's label, widget and errors, as Django would write them, for text inputs,
    text areas and single selects (anything else goes through Django's own rendering). Django
    renders each widget and label through a template of its own, a few hundred of which make
    a report form's page slow; this writes the same HTML in Python."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({**widget.attrs, "id": bound.auto_id})
    value = bound.value()
    if isinstance(widget, forms.Textarea):
        control = format_html(
            '<textarea name="{}"{}>\n{}</textarea>', bound.html_name, flatatt(attrs), widget.format_value(value) or ""
        )
    elif isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) == chosen else "", label) for key, label in bound.field.choices),
        )
        control = format_html('<select name="{}"{}>{}</select>', bound.html_name, flatatt(attrs), options)
    elif isinstance(widget, forms.widgets.Input) and widget.input_type in ("text", "number", "email", "date", "hidden"):
        shown = widget.format_value(value)
        control = format_html(
            '<input type="{}" name="{}"{}{}>',
            widget.input_type,
            bound.html_name,
            format_html(' value="{}"', shown) if shown is not None else "",
            flatatt(attrs),
        )
    else:
        control = str(bound)
    return format_html("{} {}{}", _label(bound), control, bound.errors or "")


def _label(bound):
    """What BoundField.label_tag() writes, without its template."""
    suffix = bound.field.label_suffix if bound.field.label_suffix is not None else bound.form.label_suffix
    contents = bound.label
    if suffix and contents and contents[-1] not in ":?.!":
        contents = format_html("{}{}", contents, suffix)
    target = bound.field.widget.id_for_label(bound.auto_id) if bound.auto_id else ""
    return format_html('<label for="{}">{}</label>', target, contents) if target else format_html("<label>{}</label>", contents)
