"""Charts as SVG, drawn with matplotlib on the server: the dashboard inlines them, the PDF report prints them.

Every chart function takes plain data (labels already in the page's language, colours from
``lifecycle.stages.COLOURS``, optional drill-down URLs) and returns SVG markup that:

- keeps text as text (``svg.fonttype = "none"``) in a font family list that covers Chinese;
- carries no ``style`` attributes or ``<style>`` element (the site's Content-Security-Policy
  forbids inline styles), only SVG presentation attributes;
- wraps each bar that has a URL in an ``<a>`` with a ``<title>`` (the tooltip), taken out of
  the tab order: the chart is ``aria-hidden`` and its data table, with the same links, is the
  text alternative for keyboard and screen-reader users;
- prefixes its ids with the chart's id, so several charts can share one page.

Drawing is slow next to the queries (tens of milliseconds a chart), so the markup is kept in the
cache under a hash of everything that goes into it: the same data never draws twice, and changed
data can never show an old chart.
"""

import hashlib
import io
import json
import math
import re
from dataclasses import asdict, dataclass, field
from xml.etree import ElementTree

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from lifecycle.stages import COLOURS, Stage

# Text is drawn by the browser (or WeasyPrint) from this list; matplotlib measures with the first
# one installed. fonts-noto-cjk provides Noto Sans CJK TC on Debian.
FONT_FAMILIES = ["Noto Sans CJK TC", "DejaVu Sans"]
CSS_FONT_FAMILY = (
    "'Noto Sans CJK TC', 'Noto Sans CJK HK', 'Noto Sans TC', 'Microsoft JhengHei', 'PingFang TC', "
    "'Noto Sans', Arial, sans-serif"
)
INK = "#1d2329"
MUTED = "#4a545e"
GRID = "#d5dbe0"
BAR = COLOURS[Stage.IDENTIFY]
CHART_VERSION = 3  # part of the cache key: bump when the drawing changes
CACHE_SECONDS = 24 * 3600

STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "tracker",
    "font.family": FONT_FAMILIES,
    "font.size": 11,
    "text.color": INK,
    "axes.labelcolor": INK,
    "axes.edgecolor": GRID,
    "axes.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": INK,
    "xtick.labelcolor": MUTED,
    "ytick.labelcolor": INK,
    "xtick.labelsize": 10,
    "ytick.labelsize": 11,
    "legend.fontsize": 10,
    "legend.frameon": False,
}

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ElementTree.register_namespace("", SVG_NS)
ElementTree.register_namespace("xlink", XLINK_NS)


@dataclass(frozen=True)
class Series:
    """One colour of a bar chart: a value (and optionally a URL and a tooltip) per category."""

    label: str
    colour: str
    values: list[float]
    urls: list[str | None] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Spread:
    """One row of a cycle-time chart: percentiles in days."""

    label: str
    colour: str
    p10: float | None
    p25: float | None
    median: float | None
    p75: float | None
    p90: float | None
    url: str | None = None
    title: str = ""


def bar_chart(
    chart_id: str,
    *,
    categories: list[str],
    series: list[Series],
    horizontal: bool = True,
    axis_label: str = "",
    show_totals: bool = True,
    legend: bool = True,
    width: float = 5.5,
) -> SafeString:
    """Bars per category, stacked when there are several series; ``width`` in inches (72 points)."""
    spec = {
        "kind": "bar",
        "width": width,
        "categories": categories,
        "series": [asdict(item) for item in series],
        "horizontal": horizontal,
        "axis_label": axis_label,
        "show_totals": show_totals,
        "legend": legend,
    }
    return _cached(chart_id, spec, lambda: _draw_bars(**{key: value for key, value in spec.items() if key != "kind"}))


def spread_chart(
    chart_id: str, *, rows: list[Spread], axis_label: str, empty_label: str, width: float = 5.5
) -> SafeString:
    """Median (marker), middle half (bar) and 10th–90th percentiles (line) per row."""
    spec = {
        "kind": "spread",
        "rows": [asdict(row) for row in rows],
        "axis_label": axis_label,
        "empty": empty_label,
        "width": width,
    }
    return _cached(chart_id, spec, lambda: _draw_spread(rows, axis_label, empty_label, width))


def _cached(chart_id: str, spec: dict, draw) -> SafeString:
    digest = hashlib.sha256(
        json.dumps([CHART_VERSION, chart_id, spec], sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()
    key = f"chart:{digest}"
    markup = cache.get(key)
    if markup is None:
        markup = _with_ids(draw(), chart_id)
        cache.set(key, markup, CACHE_SECONDS)
    # Our own drawing: every text in it was escaped by ElementTree.
    return mark_safe(markup)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _axes_style(ax, *, value_axis: str) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.spines["left" if value_axis == "x" else "bottom"].set_color(MUTED)
    ax.spines["bottom" if value_axis == "x" else "left"].set_visible(False)
    axis = getattr(ax, f"{value_axis}axis")
    axis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axis.set_major_formatter(FuncFormatter(lambda value, _position: _number(value)))
    ax.grid(axis=value_axis, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y" if value_axis == "x" else "x", length=0)


def _draw_bars(*, categories, series, horizontal, axis_label, show_totals, legend, width) -> str:
    from matplotlib import rc_context

    series = [Series(**item) if isinstance(item, dict) else item for item in series]
    with rc_context(STYLE):
        count = max(len(categories), 1)
        lines = max((category.count("\n") + 1 for category in categories), default=1)
        if horizontal:
            legend_rows = math.ceil(len(series) / 4) if legend and len(series) > 1 else 0
            fig = _figure(width, 0.75 + (0.2 + 0.16 * lines) * count + 0.25 * legend_rows)
        else:
            fig = _figure(width, 3.4)
        ax = fig.add_subplot()
        positions = list(range(len(categories)))
        base = [0.0] * len(categories)
        titles: dict[str, str] = {}
        for item in series:
            draw = ax.barh if horizontal else ax.bar
            bars = draw(
                positions,
                item.values,
                0.66,
                base,
                color=item.colour,
                label=item.label,
                edgecolor="#ffffff",
                linewidth=0.6,
            )
            for index, bar in enumerate(bars):
                url = item.urls[index] if index < len(item.urls) else None
                if url and item.values[index]:
                    gid = f"bar-{len(titles)}"
                    bar.set_url(url)
                    bar.set_gid(gid)
                    titles[gid] = item.titles[index] if index < len(item.titles) else ""
            base = [left + value for left, value in zip(base, item.values, strict=True)]
        top = max(base, default=0) or 1
        if horizontal:
            ax.set_yticks(positions, categories)
            ax.set_ylim(len(categories) - 0.5, -0.5)
            ax.set_xlim(0, top * 1.12)
            _axes_style(ax, value_axis="x")
            if axis_label:
                ax.set_xlabel(axis_label)
        else:
            ax.set_xticks(positions, categories)
            ax.set_ylim(0, top * 1.15)
            _axes_style(ax, value_axis="y")
            if axis_label:
                ax.set_ylabel(axis_label)
        if show_totals:
            for position, total in zip(positions, base, strict=True):
                text = _number(total)
                if horizontal:
                    ax.text(total + top * 0.01, position, text, va="center", ha="left", fontsize=10, color=INK)
                else:
                    ax.text(position, total + top * 0.01, text, va="bottom", ha="center", fontsize=10, color=INK)
        if legend and len(series) > 1:
            columns = min(len(series), 4)
            handles, labels = ax.get_legend_handles_labels()
            # Matplotlib fills a legend column by column: reorder so it reads row by row.
            order = [index for column in range(columns) for index in range(column, len(handles), columns)]
            fig.legend(
                [handles[index] for index in order],
                [labels[index] for index in order],
                loc="outside upper center",
                ncols=columns,
                handlelength=1.2,
                columnspacing=1.2,
            )
        return _render(fig, titles)


def _draw_spread(rows: list[Spread], axis_label: str, empty_label: str, width: float) -> str:
    from matplotlib import rc_context

    with rc_context(STYLE):
        fig = _figure(width, 0.8 + 0.4 * max(len(rows), 1))
        ax = fig.add_subplot()
        highest = max((row.p90 or 0 for row in rows), default=0) or 1
        titles = {}
        for position, row in enumerate(rows):
            if row.median is None:
                ax.text(0, position, empty_label, va="center", ha="left", fontsize=10, color=MUTED)
                continue
            ax.plot([row.p10, row.p90], [position, position], color=row.colour, linewidth=1.6, solid_capstyle="butt")
            ax.plot([row.p10, row.p10], [position - 0.15, position + 0.15], color=row.colour, linewidth=1.6)
            ax.plot([row.p90, row.p90], [position - 0.15, position + 0.15], color=row.colour, linewidth=1.6)
            (box,) = ax.barh([position], [max(row.p75 - row.p25, highest * 0.004)], 0.5, row.p25, color=row.colour)
            if row.url:
                gid = f"bar-{position}"
                box.set_url(row.url)
                box.set_gid(gid)
                titles[gid] = row.title
            ax.plot([row.median, row.median], [position - 0.25, position + 0.25], color="#ffffff", linewidth=2.2)
            ax.text(
                row.p90 + highest * 0.015,
                position,
                _number(row.median),
                va="center",
                ha="left",
                fontsize=10,
                fontweight="bold",
                color=INK,
            )
        ax.set_yticks(range(len(rows)), [row.label for row in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlim(0, highest * 1.15)
        _axes_style(ax, value_axis="x")
        ax.set_xlabel(axis_label)
        return _render(fig, titles)


def _number(value: float) -> str:
    if value == math.floor(value):
        return f"{int(value):,}"
    return f"{value:,.1f}"


STYLE_DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*([^;]+?)\s*(?:;|$)")


def _render(fig, titles: dict[str, str]) -> str:
    """The figure as SVG markup without inline styles, with tooltips and inert links."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    root = ElementTree.fromstring(buffer.getvalue())
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    for element in root.iter():
        # Whitespace between elements, and coordinates to two decimals (the size of a page shrinks
        # by a third; a hundredth of a point is invisible).
        if element.text is not None and not element.text.strip():
            element.text = None
        element.tail = None
        if "d" in element.attrib:
            element.set("d", COORDINATE.sub(_two_decimals, " ".join(element.get("d").split())))
        style = element.attrib.pop("style", None)
        if style:
            for name, value in STYLE_DECLARATION.findall(style):
                if name != "font-family":  # set once, on the root, and inherited
                    element.set(name, value)
        if element.tag == f"{{{SVG_NS}}}a":
            element.attrib.pop("target", None)
            element.set("tabindex", "-1")
        title = titles.get(element.get("id", ""))
        if title:
            link = element.find(f"{{{SVG_NS}}}a")
            if link is not None:
                title_element = ElementTree.Element(f"{{{SVG_NS}}}title")
                title_element.text = title
                link.insert(0, title_element)
    for name in ("width", "height"):
        root.attrib.pop(name, None)
    root.set("class", "chart__svg")
    root.set("aria-hidden", "true")
    root.set("focusable", "false")
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("font-family", CSS_FONT_FAMILY)
    # ElementTree's prefix registry is global and WeasyPrint rebinds the empty prefix when it loads:
    # claim it again right before writing, or the chart comes out as <ns0:svg> and does not render.
    ElementTree.register_namespace("", SVG_NS)
    return ElementTree.tostring(root, encoding="unicode")


COORDINATE = re.compile(r"-?\d+\.\d{3,}")


def _two_decimals(match) -> str:
    return f"{float(match[0]):.2f}".rstrip("0").rstrip(".")


ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')
ID_REFERENCE = re.compile(r'(url\(#|href="#)([^")]+)')


def _with_ids(markup: str, chart_id: str) -> str:
    """Prefix every id (and reference to one) with the chart's id: ids are unique on the page."""
    markup = ID_ATTRIBUTE.sub(lambda match: f'id="{chart_id}-{match[1]}"', markup)
    return ID_REFERENCE.sub(lambda match: f"{match[1]}{chart_id}-{match[2]}", markup)
