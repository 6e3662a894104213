"""The search form's checkboxes and radio buttons (finder.web.kit.templating.choice) escape what they
show and say which are chosen, as the form's readers and the browser expect."""

from __future__ import annotations

from finder.web.kit.templating import choice


def test_a_chosen_checkbox_is_checked_and_its_texts_are_escaped():
    html = choice("checkbox")('day"><script>', 'mon" onclick="x', "<b>Monday</b>", True)
    assert html == ('<label class="choice"><input type="checkbox" name="day&#34;&gt;&lt;script&gt;" '
                    'value="mon&#34; onclick=&#34;x" checked> &lt;b&gt;Monday&lt;/b&gt;</label>\n')


def test_a_radio_button_not_chosen_is_not_checked():
    assert choice("radio")("kind", "formal", "Formal", False) == (
        '<label class="choice"><input type="radio" name="kind" value="formal" > Formal</label>\n')
