"""What every chart shares: pygal draws the SVG, this module sets the house style, formats
numbers the way the active language writes them, and hands the SVG over as a data URI.

A data URI keeps a chart inside the page that computed its numbers (no second request to
compute them again) and inside the CSP: the page allows images from data: and the SVG's own
<style> belongs to the image, not to the page. Pygal's scripts are left out."""

import base64
import functools

import pygal
from django.template.defaultfilters import floatformat
from pygal.etree import etree
from pygal.style import Style

STYLE_OPTIONS = {
    "font_family": '"Noto Sans", "DejaVu Sans", "Segoe UI", Arial, sans-serif',
    "background": "#ffffff",
    "plot_background": "#ffffff",
    "foreground": "#1d2733",
    "foreground_strong": "#1d2733",
    "foreground_subtle": "#d9e0e7",
    "opacity": ".9",
    "opacity_hover": "1",
    "colors": ("#0b5cad", "#a3161a", "#1f7a3d", "#a15c00", "#6b4fa3", "#5d6b7a"),
    "title_font_size": 15,
    "label_font_size": 12,
    "major_label_font_size": 12,
    "legend_font_size": 13,
    "value_font_size": 12,
    "value_label_font_size": 12,
}
STYLE = Style(**STYLE_OPTIONS)


def decimal(places=2):
    """A value formatter in the active language: 5,40 in Vietnamese, 5.40 in English."""

    def formatter(value):
        # floatformat, as the tables use: it rounds half up (number_format truncates).
        return "" if value is None else floatformat(value, places)

    return formatter


def config(**options):
    """Options for every chart: no script, no external assets, values printed on the bars."""
    defaults = {
        "js": [],
        "style": STYLE,
        "width": 900,
        "height": 420,
        "print_values": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "truncate_label": -1,
        "truncate_legend": -1,
        "margin": 12,
        "margin_right": 36,  # room for the last value label
        "margin_bottom": 28,  # room for the legend under rotated or long axis labels
    }
    defaults.update(options)
    return defaults


def chart(kind, colors=None, **options):
    """A pygal chart of that kind in the house style; `colors` to give each series its meaning."""
    if colors:
        options["style"] = Style(**{**STYLE_OPTIONS, "colors": tuple(colors)})
    return getattr(pygal, kind)(**config(**options))


def svg(chart):
    """The chart's SVG without pygal's config script, which nothing here would run."""
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)


def data_uri(chart):
    return "data:image/svg+xml;base64," + base64.b64encode(svg(chart)).decode("ascii")


FORMATTERS = {"decimal2": decimal(2), "count": lambda v: str(int(v)) if v else ""}


@functools.lru_cache(maxsize=256)
def bars_uri(kind, title, labels, series, formatter, colors=None, height=None, value_range=None):
    """A bar chart as a data: URI, drawn once per process for the same labels and values: pygal
    takes tens of milliseconds a chart, and a dashboard reloads with unchanged figures far more
    often than they change. Arguments are hashable (tuples, strings), translated already."""
    options = {"title": title, "value_formatter": FORMATTERS[formatter], "height": height}
    if value_range:
        options["range"] = value_range
    drawn = chart(kind, colors=colors, **options)
    drawn.x_labels = list(labels)
    for name, values in series:
        drawn.add(name, list(values))
    return data_uri(drawn)
