"""Wrapping SVG labels by estimated width: whole words, identifiers at their dots."""

from __future__ import annotations

from handbook.render.svg_text import text_width, wrap


def test_text_wraps_between_words_and_keeps_every_word_whole():
    text = "Customer seat consumption by account and month (purchased seats only)"
    lines = wrap(text, 130, 11)
    assert len(lines) > 2 and "".join(lines) == text
    assert all(text_width(line.rstrip(), 11) <= 130 for line in lines)
    assert all(line.endswith(" ") for line in lines[:-1])  # every break is between words


def test_whitespace_collapses_and_short_text_stays_on_one_line():
    assert wrap("  MAUs   by\ncustomer ", 300, 11) == ["MAUs by customer"]
    assert wrap("", 100, 11) == [""]


def test_an_identifier_wider_than_a_line_breaks_after_a_dot_or_underscore():
    lines = wrap("sourcegraph-dw.hubspot_etl.email_events_with_a_long_name", 110, 11)
    assert "".join(lines) == "sourcegraph-dw.hubspot_etl.email_events_with_a_long_name"
    assert all(line[-1] in "._-" for line in lines[:-1]), lines


def test_an_identifier_that_fits_a_line_moves_to_the_next_line_whole():
    assert wrap("field product_usage.mau", 120, 11) == ["field ", "product_usage.mau"]


def test_only_a_piece_wider_than_a_line_is_cut_between_characters():
    lines = wrap("x" * 60, 100, 11)
    assert "".join(lines) == "x" * 60 and len(lines) > 1
    assert all(text_width(line, 11) <= 100 for line in lines)


def test_wide_characters_and_bold_text_count_as_wider():
    assert text_width("数据", 11) > text_width("ab", 11)
    assert text_width("Monthly", 11, bold=True) > text_width("Monthly", 11)
    assert text_width("e\u0301", 11) == text_width("e", 11)  # a combining accent adds none
