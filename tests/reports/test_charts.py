"""The charts as drawn by matplotlib: SVG the page and the PDF can both use, under the site's CSP."""

from xml.etree import ElementTree

import pytest
from django.core.cache import cache

from lifecycle.stages import COLOURS, LIFECYCLE_STAGES
from reports import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _no_cached_charts():
    cache.clear()


def stacked():
    categories = ["保安局", "SB", "Culture, Sports and\nTourism Bureau"]
    return charts.bar_chart(
        "pipeline",
        categories=categories,
        series=[
            charts.Series(
                label=str(stage),
                colour=COLOURS[stage],
                values=[1, 0, 3],
                urls=[f"/projects/?stage={stage}&bd={index}" for index in range(3)],
                titles=[f"{category}: {stage}" for category in categories],
            )
            for stage in LIFECYCLE_STAGES[:2]
        ],
        axis_label="項目",
    )


def test_a_chart_is_inline_svg_without_styles_with_inert_links_and_tooltips():
    markup = str(stacked())
    root = ElementTree.fromstring(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-hidden") == "true"
    assert root.get("viewBox")
    assert root.get("width") is None  # scales with its container
    assert "style=" not in markup
    assert "<style" not in markup
    assert "<metadata" not in markup
    links = root.findall(f".//{SVG}a")
    assert len(links) == 4  # one per bar with a value; the zero bars have none
    assert {link.get("tabindex") for link in links} == {"-1"}  # the data table carries the links for keyboards
    assert all(link.get("target") is None for link in links)
    hrefs = {link.get("{http://www.w3.org/1999/xlink}href") for link in links}
    assert "/projects/?stage=identify&bd=0" in hrefs
    assert "/projects/?stage=search&bd=1" not in hrefs  # no bar, no link
    assert links[0].find(f"{SVG}title").text == "保安局: identify"


def test_text_stays_text_in_a_chinese_capable_font():
    root = ElementTree.fromstring(str(stacked()))
    texts = {element.text for element in root.iter(f"{SVG}text")}
    assert {"保安局", "項目", "identify"} <= texts
    families = {element.get("font-family") for element in root.iter(f"{SVG}text")}
    assert families == {charts.CSS_FONT_FAMILY}
    assert "Noto Sans CJK TC" in charts.CSS_FONT_FAMILY


def test_ids_are_unique_to_the_chart():
    markup = str(stacked())
    ids = [element.get("id") for element in ElementTree.fromstring(markup).iter() if element.get("id")]
    assert ids
    assert all(identifier.startswith("pipeline-") for identifier in ids)
    assert len(ids) == len(set(ids))
    assert "url(#pipeline-" in markup


def test_the_same_data_is_drawn_once(monkeypatch):
    first = stacked()
    monkeypatch.setattr(charts, "_draw_bars", lambda **spec: pytest.fail("drawn again"))
    assert stacked() == first


def test_a_spread_chart_marks_median_and_spread():
    markup = str(
        charts.spread_chart(
            "cycle",
            rows=[
                charts.Spread(
                    "識別機遇", COLOURS["identify"], 1, 5.5, 10, 25, 66, url="/projects/?passed_gate=identify"
                ),
                charts.Spread("Search", COLOURS["search"], None, None, None, None, None),
            ],
            axis_label="Days",
            empty_label="No gate passed",
        )
    )
    root = ElementTree.fromstring(markup)
    texts = {element.text for element in root.iter(f"{SVG}text")}
    assert {"識別機遇", "10", "No gate passed"} <= texts
    assert len(root.findall(f".//{SVG}a")) == 1
