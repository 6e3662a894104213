"""The SVG charts: accessible, escaped, no bar for a hidden count, mirrored right to left."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from finder.evidence import charts

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_a_bar_chart_is_an_image_with_a_title_and_a_description():
    svg = parsed(charts.bar_chart("c1", "Searches", "12 searches in L8.", [("L8", 12), ("L4", 7)]))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c1-t c1-d"
    assert svg.find(f"{SVG}title").text == "Searches" and svg.find(f"{SVG}desc").text == "12 searches in L8."
    widths = [int(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[0] > widths[1] > 0
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["L8", "12", "L4", "7"]


def test_text_in_a_chart_is_escaped():
    markup = str(charts.bar_chart("c<2", "<script>alert(1)</script>", "a & b", [("<b>x</b>", 9)]))
    assert "<script>" not in markup and "<b>" not in markup
    svg = parsed(markup)
    assert svg.find(f"{SVG}title").text == "<script>alert(1)</script>"


def test_a_count_under_5_draws_no_bar_and_says_fewer_than_5():
    svg = parsed(charts.bar_chart("c3", "t", "d", [("L8", 40), ("L4", 3)]))
    assert len(list(svg.iter(f"{SVG}rect"))) == 1
    assert "fewer than 5" in [t.text for t in svg.iter(f"{SVG}text")]
    assert "3" not in [t.text for t in svg.iter(f"{SVG}text")]
    columns = parsed(charts.column_chart("c4", "t", "d", [("W48", 2), ("W49", 30)]))
    assert len(list(columns.iter(f"{SVG}rect"))) == 1


def test_right_to_left_puts_the_labels_on_the_right_and_reverses_time():
    ltr = parsed(charts.bar_chart("c5", "t", "d", [("L8", 10)]))
    rtl = parsed(charts.bar_chart("c5", "t", "d", [("L8", 10)], rtl=True))
    label_ltr, label_rtl = next(ltr.iter(f"{SVG}text")), next(rtl.iter(f"{SVG}text"))
    assert float(label_rtl.get("x")) > float(label_ltr.get("x")) and label_rtl.get("direction") == "rtl"
    months = [("2026-10", 10), ("2026-11", 20)]
    labels = [t.text for t in parsed(charts.column_chart("c6", "t", "d", months, rtl=True)).iter(f"{SVG}text")]
    assert labels.index("2026-11") < labels.index("2026-10")
