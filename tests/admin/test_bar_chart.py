"""The dashboard's bar charts: one ``<rect>`` per value scaled to the highest, titles people can read, labels
escaped, plain digits in every attribute whatever the language."""

from __future__ import annotations

import re

from django.utils import translation

from portal.core.admin_dashboard import bar_chart

ROWS = [
    {"label": "1/3", "submitted": 4, "approved": 2},
    {"label": "<b>8/3</b>", "submitted": 1200, "approved": 0},
]


def test_one_bar_per_value_scaled_to_the_highest():
    svg = str(bar_chart(ROWS, ["submitted", "approved"], height=120).svg("Per week"))
    heights = [int(value) for value in re.findall(r'<rect class="\w+" x="\d+" y="\d+" width="14" height="(\d+)"', svg)]
    assert heights == [0, 0, 120, 0]  # 4 and 2 of 1,200 round to nothing; the peak fills the chart
    assert svg.startswith('<svg role="img" aria-label="Per week"') and svg.endswith("</svg>")


def test_titles_name_the_series_in_the_language_of_the_page_and_digits_stay_plain():
    chart = bar_chart(ROWS, ["submitted", "approved"], series_labels={"submitted": "مقدّم", "approved": "Approved"})
    with translation.override("ar"):
        svg = str(chart.svg("تصاريح"))
    assert "<title>مقدّم: 1200</title>" in svg and "<title>Approved: 0</title>" in svg
    assert not re.search(r'="[^"]*[\u0660-\u0669,][^"]*"', svg.split(">", 1)[1])  # no Arabic-Indic digits, no 1,200


def test_labels_and_the_accessible_name_are_escaped():
    svg = str(bar_chart(ROWS, ["submitted"]).svg('Permits "per" <week>'))
    assert 'aria-label="Permits &quot;per&quot; &lt;week&gt;"' in svg
    assert "&lt;b&gt;8/3&lt;/b&gt;" in svg and "<b>" not in svg


def test_without_series_labels_a_title_is_the_value():
    svg = str(bar_chart(ROWS, ["approved"]).svg("x"))
    assert re.findall(r"<title>([^<]*)</title>", svg) == ["2", "0"]
