"""The server-drawn SVG charts: an image with a name, bars and dots where the numbers say, text escaped."""

import re

import pytest

from followup import charts


@pytest.mark.parametrize(
    ("value", "top", "step"),
    [(0, 4, 1), (3, 3, 1), (15, 15, 5), (17.5, 20, 5), (94, 100, 50), (260, 300, 100), (1, 1, 1)],
)
def test_it_rounds_the_axis_up_to_a_few_round_steps(value, top, step):
    assert charts.nice_ceiling(value) == (top, step)


def _bars(svg):
    # The bars are the rectangles after the band (which spans the plot's full height from its top).
    return [
        (float(x), float(h))
        for x, h in re.findall(
            r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#(?:0b5394|b35c00)"', svg
        )
    ]


def test_it_draws_a_bar_per_value_and_series_in_proportion():
    svg = charts.bar_chart(
        name="Stöd per månad",
        labels=["jan", "feb"],
        series=[charts.Series("Började", [4, 2]), charts.Series("Slutade", [0, 1], charts.ORANGE)],
    )
    assert svg.startswith('<svg class="chart" viewBox="0 0 560 300" role="img" aria-label="Stöd per månad"')
    assert "<title>Stöd per månad</title>" in svg
    heights = [h for _x, h in _bars(svg)]
    # The axis tops at 4; the plot is 300 − 16 − 52 = 232 high: 4 → 232, 2 → 116, 0 → 0, 1 → 58.
    assert heights == [232, 0, 116, 58]
    assert svg.count('fill="#b35c00"') == 2


def test_it_marks_the_target_bucket_with_a_band():
    svg = charts.bar_chart(
        name="Längd", labels=["≤7", "12–18"], series=[charts.Series("Avslutade", [1, 3])], highlight=1
    )
    # Two slots of (560 − 48 − 12) / 2 = 250: the band covers the second from x = 298.
    assert '<rect x="298" y="16" width="250" height="232" fill="#dff0e3"/>' in svg


def test_a_line_breaks_where_a_month_has_no_value():
    svg = charts.line_chart(name="Median", labels=["a", "b", "c", "d"], values=[10, None, 12, 14], band=(12, 18))
    assert svg.count("<polyline") == 2  # a, then c–d
    assert svg.count("<circle") == 3
    assert 'fill="#dff0e3"' in svg


def test_it_labels_every_month_of_a_year_and_every_other_of_two():
    labels = [f"m{n}" for n in range(24)]
    twelve = charts.bar_chart(name="x", labels=labels[:12], series=[charts.Series("s", [1] * 12)])
    both = charts.bar_chart(name="x", labels=labels, series=[charts.Series("s", [1] * 24)])
    assert all(f">m{n}<" in twelve for n in range(12))
    assert ">m0<" in both and ">m1<" not in both and ">m2<" in both


def test_it_escapes_names_and_labels():
    svg = charts.bar_chart(name='<script>"x"</script>', labels=["<b>"], series=[charts.Series("s", [1])])
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;&quot;x&quot;&lt;/script&gt;" in svg


def test_an_empty_chart_still_draws_its_axis():
    svg = charts.line_chart(name="Median", labels=["a"], values=[None])
    assert "<polyline" not in svg and "<line" in svg
