"""What counts as code in a handbook page: the rule references and the link check share."""

from handbook.markdown.code import code_lines


def mask(text: str) -> list[bool]:
    return code_lines(text.split("\n"))


def test_fenced_block_lines_are_code_including_the_fences():
    assert mask("prose\n```yaml\nlook: 1\n```\nprose") == [False, True, True, True, False]


def test_a_longer_fence_is_not_closed_by_a_shorter_one():
    assert mask("````\n```\nstill code\n````\nprose") == [True, True, True, True, False]


def test_admonition_and_list_bodies_indented_four_spaces_are_prose():
    text = "!!! tip\n\n    See [[look:729]].\n\n- item\n\n    continued"
    assert mask(text) == [False] * 7


def test_indented_block_after_a_blank_line_is_code_at_top_level():
    assert mask("para\n\n    code\n    more\n\nprose") == [False, False, True, True, False, False]


def test_indented_line_continuing_a_paragraph_is_not_code():
    assert mask("para\n    still the paragraph") == [False, False]


def test_fence_inside_a_blockquote_is_code():
    assert mask("> ```\n> x\n> ```\nafter") == [True, True, True, False]


def test_pages_without_fences_or_indented_lines_are_known_to_hold_no_code():
    from handbook.markdown.code import may_contain_code

    assert not may_contain_code("# Title\n\nA [link](https://x.looker.com/looks/1).\n- item\n")
    for text in ("```\nx\n```", "~~~\nx\n~~~", "para\n\n    code", "\tcode", "a\n\tb"):
        assert may_contain_code(text), text
