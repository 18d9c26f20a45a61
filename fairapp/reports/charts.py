"""Charts for the dashboard: a section (fairapp.reports.dashboard.Section) drawn by pygal as SVG to put
inline in the page, so it shows without JavaScript and prints.

pygal's SVG carries an inline <style>, a <script> with its config and a tooltip styled inline; the
app's Content-Security-Policy (fairapp.security) refuses all three in a page. So what pygal drew is
kept, and those are taken out: the look comes from static/css/charts.css (selectors on pygal's
classes), and no script is referenced at all (`js=[]`). The SVG is labelled for screen readers
(role="img", aria-label and its <title>); its numbers are in the table beside it.

    svg(section, title)   → the SVG as markup-safe text"""

import xml.etree.ElementTree as ET

import pygal
from defusedxml.ElementTree import fromstring
from markupsafe import Markup
from pygal.style import Style

from fairapp.i18n import number_vn

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"

# Sizes in pygal's units, which it uses to lay out labels and margins: the same as charts.css.
FONT = "'Be Vietnam Pro', system-ui, sans-serif"
COLOURS = ("#0b5471", "#e07a1f", "#2f9e6e", "#8a4fb0", "#c43d4b", "#5b8def", "#8d6e63", "#607d8b")
STYLE = Style(
    font_family=FONT,
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=COLOURS,
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=14,
    tooltip_font_size=14,
)
WIDTH = 480  # a phone shows it at about 2/3 of its size, a desktop column a little above 1
KINDS = {
    "bar": pygal.Bar,
    "horizontal_bar": pygal.HorizontalBar,
    "line": pygal.Line,
    "stacked_bar": pygal.StackedBar,
}
_TAKEN_OUT = {f"{{{SVG}}}style", f"{{{SVG}}}script"}


def svg(section, title: str) -> Markup:
    """The section's chart: its `charted` columns as series over its rows (or its rows as series
    over those columns), labelled `title`. Bars whose labels do not fit side by side under the plot
    are drawn lying down, labels on the left."""
    columns = [column for column in section.columns if column.key in section.charted]
    if section.series_from_rows:
        x_labels = [str(column.label) for column in columns]
        series = [(label, [values[column.key] for column in columns]) for label, values in section.chart_rows]
    else:
        x_labels = [label for label, _values in section.chart_rows]
        series = [
            (str(column.label), [values[column.key] for _label, values in section.chart_rows])
            for column in columns
        ]
    kind = section.chart
    if kind == "bar" and not _fits(x_labels):
        kind = "horizontal_bar"
    horizontal = kind == "horizontal_bar"
    if horizontal:  # pygal draws the first label at the bottom: read top down, as the table does
        x_labels = x_labels[::-1]
        series = [(name, values[::-1]) for name, values in series]
    stacked = kind == "stacked_bar"
    top = _ticks(_ceiling(series, stacked=stacked))[-1]
    legend_rows = len(series) if len(series) > 1 else 0
    if horizontal:
        height = 90 + 26 * legend_rows + len(x_labels) * max(30, 16 * len(series))
    else:
        height = 320 + 26 * legend_rows
    chart = KINDS[kind](
        style=STYLE,
        js=[],
        no_prefix=True,
        disable_xml_declaration=True,
        width=WIDTH,
        height=height,
        title=title,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        legend_at_bottom_columns=1,  # pygal leaves no room for a second row of two
        value_formatter=number_vn,
        x_label_rotation=0 if horizontal or _fits(x_labels) else 45,
        truncate_label=24,
        truncate_legend=30,
        y_labels=_ticks(top),
        include_x_axis=True,
        range=(0, top),
        no_data_text=title,
        margin=12,
    )
    chart.x_labels = x_labels
    for name, values in series:
        chart.add(name, values)
    # Safe as markup: serialised by ElementTree, which escapes every label and title people typed.
    return Markup(_clean(chart.render(is_unicode=True), title))  # noqa: S704


def _ceiling(series, *, stacked: bool = False) -> int:
    """The axis' top: the largest value (or stack), at least 1 so an all-zero chart has an axis."""
    if stacked:
        return max(1, *(sum(values) for values in zip(*(values for _name, values in series), strict=True)))
    return max([1, *(value for _name, values in series for value in values if value)])


def _ticks(ceiling: int) -> list[int]:
    """Whole-number ticks from 0 to at least `ceiling`, at most 6 steps of 1, 2 or 5 times a power of 10."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if ceiling <= 6 * step:
                top = -(-ceiling // step) * step
                return list(range(0, top + 1, step))
        magnitude *= 10


def _fits(labels: list[str]) -> bool:
    """The labels fit side by side under the plot at 14 px (about 8 px a character)."""
    return sum(len(label) + 2 for label in labels) * 8 < WIDTH - 60


def _clean(drawn: str, title: str) -> str:
    root = fromstring(drawn)
    for defs in root.findall(f"{{{SVG}}}defs"):
        for element in list(defs):
            if element.tag in _TAKEN_OUT:
                defs.remove(element)
        if not len(defs):
            root.remove(defs)
    for parent in root.iter():
        for child in list(parent):
            if "tooltip-overlay" in child.get("class", "").split():
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
    root.attrib.pop("id", None)
    root.set("class", "chart-svg pygal-chart")
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("preserveAspectRatio", "xMidYMid meet")
    titles = root.findall(f"{{{SVG}}}title")
    heading = titles[0] if titles else ET.Element(f"{{{SVG}}}title")
    heading.text = title
    if titles:
        root.remove(heading)
    root.insert(0, heading)
    return _without_prefixes(root)


def _without_prefixes(root: ET.Element) -> str:
    """The SVG as HTML puts it inline: plain tag names, the namespace declared once on the root.
    (ElementTree would invent prefixes from its global registry, which other libraries change.)"""
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{SVG}}}")
        for name in [name for name in element.attrib if name.startswith("{")]:
            namespace, local = name[1:].split("}")
            value = element.attrib.pop(name)
            if namespace == XLINK:
                element.set(f"xlink:{local}", value)
    root.set("xmlns", SVG)
    if any(name.startswith("xlink:") for element in root.iter() for name in element.attrib):
        root.set("xmlns:xlink", XLINK)
    return ET.tostring(root, encoding="unicode")
