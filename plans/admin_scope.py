"""Admin pages scoped like the rest of the app: a coordinator sees and edits only their
province's rows; administrators see everything. Uses plans.access.

Lists stay usable at national scale (DEVELOPING.md, "Speed"): their filters name plans and
provinces in one query each, never one per plan (`PlanListFilter`, `ProvinceListFilter`), and
the largest lists count at most `LimitedCountPaginator.limit` rows, never the whole table."""

import functools

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.forms import Widget
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from indicators.models import Province
from papi_tracker.collation import vietnamese
from papi_tracker.ids import given_id, given_ids

from . import access
from .models import Plan


class ProvinceScopedMixin:
    """For ModelAdmin and inlines. `province_path` leads from the model to its Province."""

    province_path = "province"
    formfield_overrides = {models.DecimalField: {"localize": True}}  # "5,40" in Vietnamese
    # No second count of the whole (scoped) table beside the filtered one, and no facet counts.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def _scope(self, request):
        """The ids of the provinces the user coordinates, read once per request and given to the
        database as literal ids (DEVELOPING.md, "Speed"): "in (subquery)" made PostgreSQL guess
        a third of the country's reports and join them all before keeping the province's."""
        if "_admin_provinces" not in request.__dict__:
            ids = access.coordinated_province_ids(request.user).values_list("agency__province_id", flat=True)
            request._admin_provinces = sorted(set(ids))
        return request._admin_provinces

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if access.is_administrator(request.user):
            return queryset
        return queryset.filter(**{f"{self.province_path}__in": self._scope(request)})

    def _allowed(self, request, obj=None):
        # The admin asks again for every inline row: remember the answers for the request.
        memo = request.__dict__.setdefault("_admin_allowed", {})
        key = (self.model, obj.pk if isinstance(obj, self.model) else None)
        if key not in memo:
            memo[key] = self._decide(request, obj)
        return memo[key]

    def _decide(self, request, obj):
        if access.is_administrator(request.user):
            return True
        if not self._scope(request):
            return False
        # For inlines obj is the parent; its own admin has checked it.
        if obj is None or not isinstance(obj, self.model):
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def action_checkbox(self, obj):
        """Each row's checkbox as Django's ModelAdmin.action_checkbox writes it, without rendering
        a CheckboxInput through its templates: that took half of a 100-row list's time."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's admin redirects to its index with "does not exist" for an object outside the
        # queryset; out of scope is a 404 here as everywhere in the app (DEVELOPING.md).
        raise Http404

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return fast_widget(super().formfield_for_dbfield(db_field, request, **kwargs))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = KnownChoiceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        related = db_field.related_model
        if not access.is_administrator(request.user):
            related_admin = self.admin_site._registry.get(related)
            if isinstance(related_admin, ProvinceScopedMixin):
                # The choices are what the related model's own admin shows this user.
                kwargs["queryset"] = related_admin.get_queryset(request)
            elif related is Province:
                kwargs["queryset"] = Province.objects.filter(pk__in=self._scope(request))
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return _cached_choices(request, (self.model, db_field.name), field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if not access.is_administrator(request.user) and isinstance(related_admin, ProvinceScopedMixin):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# Widgets drawn by Django's plain templates, which `FastWidget` writes in Python instead.
INPUT_TEMPLATES = {f"django/forms/widgets/{kind}.html" for kind in ("text", "number", "email", "url", "hidden", "checkbox")}
SELECT_TEMPLATE = "django/forms/widgets/select.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs(attrs):
    """What django/forms/widgets/attrs.html writes: True as the bare name, False left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {name}")
        elif value is not False:
            parts.append(f' {name}="{conditional_escape(value)}"')
    return "".join(parts)


class FastWidget:
    """A widget written as Django's plain templates write it (input, select, textarea), without a
    template per widget and per option: a plan's change page with its targets draws some 140
    widgets and 430 options, which took most of its time. The context is Django's own
    (get_context: value, attributes, options chosen); only the writing differs."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        template = self.template_name
        if template in INPUT_TEMPLATES:
            shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
            kind = conditional_escape(widget["type"])
            return mark_safe(f'<input type="{kind}" name="{conditional_escape(name)}"{shown}{_attrs(widget["attrs"])}>')
        if template == TEXTAREA_TEMPLATE:
            text = conditional_escape(widget["value"]) if widget["value"] else ""
            return mark_safe(f'<textarea name="{conditional_escape(name)}"{_attrs(widget["attrs"])}>\n{text}</textarea>')
        parts = [f'<select name="{conditional_escape(name)}"{_attrs(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{conditional_escape(group)}">')
            for option in options:
                value, label = conditional_escape(option["value"]), conditional_escape(option["label"])
                parts.append(f'\n  <option value="{value}"{_attrs(option["attrs"])}>{label}</option>')
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


@functools.cache
def _fast_class(cls):
    return type(f"Fast{cls.__name__}", (FastWidget, cls), {})


def fast_widget(field):
    """The field with its widget (inside the admin's related-field wrapper too) written by
    FastWidget when Django would draw it with a plain template; any other widget as it was."""
    widget = getattr(field, "widget", None)
    inner = getattr(widget, "widget", widget)
    template = getattr(inner, "template_name", None)
    plain = template in INPUT_TEMPLATES or template == TEXTAREA_TEMPLATE
    plain = plain or (template == SELECT_TEMPLATE and not getattr(inner, "allow_multiple_selected", False))
    if plain and not isinstance(inner, FastWidget) and type(inner).render is Widget.render:
        inner.__class__ = _fast_class(type(inner))
    return field


def _cached_choices(request, key, field):
    """Read a select's choices once per request: an inline of 60 rows would otherwise query
    them 60 times. Only when the select is drawn: a read-only page builds the form's fields
    too, and would read, say, every answer of the country as a choice. Autocomplete widgets
    load their choices themselves."""
    if field is None or not hasattr(field, "queryset") or getattr(field.widget, "url_name", None):
        return field
    cache = request.__dict__.setdefault("_admin_choices", {})
    iterator = field.choices

    def choices():
        if key not in cache:
            cache[key] = list(iter(iterator))  # iter(): no COUNT query for list()'s length hint
        return cache[key]

    field.choices = choices  # a callable: Django calls it when the select is drawn
    return field


class KnownChoiceAutocomplete(AutocompleteSelect):
    """The autocomplete select of the scoped admins. It names the row it was read with (`known`:
    {pk: label}) instead of asking the database again for each row of an inline; any other value
    (one posted back) is looked up as Django does, within the field's scoped queryset, once
    values that are no id at all are dropped (Django's own answers "plan=:" with a 500)."""

    known = None

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if _is_id(self.field.remote_field.model._meta.pk, v)]
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.known is None or not selected <= self.known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in sorted(selected):
            options.append(self.create_option(name, pk, self.known[pk], True, len(options)))
        return [(None, options, 0)]


def _is_id(pk, value):
    """Whether `value` can be a row's id: the field takes it, and a whole number fits the
    database's integer (SQLite's "Python int too large" otherwise; found by the fuzz test)."""
    try:
        found = pk.to_python(value)
    except ValidationError:
        return False
    return not isinstance(found, int) or given_id(found) is not None


class SameProvinceAssignmentFormSet(BaseInlineFormSet):
    """A task's agencies and groups belong to its plan's province, also while the task is
    being created (the model's clean cannot see the plan of a task not yet saved). Each row's
    agency or group was read with the rows (the inline's select_related): its select names it
    without a query per row (`KnownChoiceAutocomplete`)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name in ("agency", "group"):
            field = form.fields.get(name)
            widget = getattr(getattr(field, "widget", None), "widget", None)  # inside the admin's wrapper
            if isinstance(widget, KnownChoiceAutocomplete) and getattr(form.instance, f"{name}_id", None):
                related = getattr(form.instance, name)
                widget.known = {str(related.pk): field.label_from_instance(related)}
        return form

    def clean(self):
        super().clean()
        plan = getattr(self.instance, "plan", None) if self.instance.plan_id else None
        if plan is None:
            return
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            assignee = form.cleaned_data.get("agency") or form.cleaned_data.get("group")
            if assignee and assignee.province_id != plan.province_id:
                raise ValidationError(_("Cơ quan được phân công phải thuộc tỉnh của kế hoạch."))


class LimitedCountPaginator(Paginator):
    """Counts at most `limit` rows (one query, "count of the first limit + 1"), so a list of
    the country's answers never counts millions of rows; past the limit the list says "more
    than" (templates/admin/pagination.html) and the user filters further."""

    limit = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.limit + 1].count()

    @property
    def capped(self):
        return self.count > self.limit


def scoped_plans(user):
    """The plans an admin list may filter by, each with its province (str names it): the user's
    provinces' for a coordinator (plans.admin_scope's scope), all for an administrator."""
    plans = Plan.objects.select_related("province").order_by(vietnamese("province__name"), "-year", "document_number")
    if access.is_administrator(user):
        return plans
    return plans.filter(province_id__in=access.coordinated_province_ids(user))


class PlanListFilter(admin.RelatedFieldListFilter):
    """A filter by plan in one query, whatever the number of plans: Django's own reads each plan's
    province with a query per plan. A coordinator picks among their province's plans; an
    administrator picks a province first (`ProvinceListFilter`, on the same path), so the
    filter never lists the country's plans."""

    def field_choices(self, field, request, model_admin):
        plans = scoped_plans(request.user)
        if access.is_administrator(request.user):
            province = given_id(request.GET.get(f"{self.field_path}__province__id__exact"))
            if province is not None:
                plans = plans.filter(province_id=province)
            elif self.lookup_val and all(given_id(value) is not None for value in self.lookup_val):
                plans = plans.filter(pk__in=given_ids(self.lookup_val))  # the one chosen, so it shows as chosen
            else:
                return []
        return [(plan.pk, str(plan)) for plan in plans]

    def has_output(self):
        return bool(self.lookup_choices)


class ProvinceListFilter(admin.RelatedFieldListFilter):
    """A filter by province, in one query: every province for an administrator, a coordinator's
    own (a single one shows no filter). Choosing a province lets go of the plan chosen before."""

    def field_choices(self, field, request, model_admin):
        provinces = Province.objects.order_by(vietnamese("name"), "valid_from")
        if not access.is_administrator(request.user):
            provinces = provinces.filter(pk__in=access.coordinated_province_ids(request.user))
        return [(province.pk, str(province)) for province in provinces]

    def choices(self, changelist):
        plan = [f"{self.field_path.removesuffix('__province')}__id__exact"] if self.field_path.endswith("__province") else []
        yield {
            "selected": self.lookup_val is None,
            "query_string": changelist.get_query_string(remove=[self.lookup_kwarg, *plan]),
            "display": _("Tất cả"),
        }
        for pk, name in self.lookup_choices:
            yield {
                "selected": self.lookup_val is not None and str(pk) in self.lookup_val,
                "query_string": changelist.get_query_string({self.lookup_kwarg: pk}, plan),
                "display": name,
            }


def plan_filters(path):
    """The list_filter entries for a list reached from a plan through `path` ("plan",
    "report__period__plan"): its province, then the plan."""
    return [(f"{path}__province", ProvinceListFilter), (path, PlanListFilter)]
