"""Mistakes in catalog/metrics/*.yml are reported with the file, the line and what to do."""

from __future__ import annotations

import pytest
from handbook.curated.metrics import load_metrics
from handbook.errors import CatalogError
from handbook.project import Project

VALID = """\
metrics:
  - name: churn
    label: Customer churn
    description: Customers who did not renew.
    owner: Kelsey Brown
    domain: Customer
    calculation: lost_customers / customers_at_start
    grain:
      time: quarter
"""


def messages(project: Project, text: str) -> list[str]:
    (project.metrics_dir / "extra.yml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_metrics(project)
    return [str(p) for p in caught.value.problems]


def test_repository_metrics_load_with_the_metrics_the_seeds_name(handbook_copy: Project):
    metrics = {m.name: m for m in load_metrics(handbook_copy)}
    assert set(metrics) >= {
        "mau", "dau_mau", "seat_consumption", "nps", "instances_by_deployment_type",
        "users_by_instance_type", "total_searches", "lines_of_code_indexed", "user_retention",
        "technical_health_score", "support_tickets",
    }  # fmt: skip
    mau = metrics["mau"]
    assert mau.file == "catalog/metrics/product.yml"
    assert mau.lookml_field == "product.instance_usage.monthly_usage.mau"
    assert mau.looks == ["1065"]  # ids are text even when YAML reads a number
    # Per-key lines let later checks point at, say, one look id.
    assert mau.line_of("looks", 0) == mau.lines["looks.0"]
    assert "file" not in mau.model_dump() and "lines" not in mau.model_dump()


def test_yaml_syntax_error_names_file_and_line(handbook_copy: Project):
    assert messages(handbook_copy, VALID + "    caveats: [unclosed\n") == [
        "catalog/metrics/extra.yml:11: error: YAML syntax error: expected ',' or ']', but got "
        "'<stream end>'\n"
        "    fix: check indentation and quoting on this line (values with ': ' or '#' need quotes)"
    ]


def test_unknown_key_points_at_its_line_and_offers_the_closest_key(handbook_copy: Project):
    assert messages(handbook_copy, VALID + "    ownr: Eric\n") == [
        "catalog/metrics/extra.yml:10: error: unknown key 'ownr'\n"
        "    fix: did you mean 'owner'? see docs/editing/catalog.md for the keys"
    ]


def test_a_mistyped_status_key_is_offered_status(handbook_copy: Project):
    text = VALID + "    stauts: draft\n"
    (message,) = messages(handbook_copy, text)
    assert message.startswith("catalog/metrics/extra.yml:10: error: unknown key 'stauts'\n")
    assert "fix: did you mean 'status'" in message


def test_a_nested_unknown_key_is_offered_the_keys_of_its_own_mapping(handbook_copy: Project):
    text = VALID.replace("      time: quarter", "      tme: quarter")
    found = [m for m in messages(handbook_copy, text) if "unknown key" in m]
    assert len(found) == 1 and "unknown key 'tme'" in found[0]
    assert "did you mean 'time'?" in found[0]


def test_an_unknown_key_like_no_known_one_only_asks_to_check_the_spelling(handbook_copy: Project):
    assert messages(handbook_copy, VALID + "    xyzzy: 1\n") == [
        "catalog/metrics/extra.yml:10: error: unknown key 'xyzzy'\n"
        "    fix: check the spelling; see docs/editing/catalog.md for the keys"
    ]


def test_wrong_types_and_values_point_at_their_lines(handbook_copy: Project):
    text = VALID + "    looks: 729\n    status: final\n"
    assert messages(handbook_copy, text) == [
        "catalog/metrics/extra.yml:10: error: 'looks': Input should be a valid list (got 729)",
        "catalog/metrics/extra.yml:11: error: 'status': Input should be 'certified', 'draft' "
        "or 'deprecated' (got 'final')",
    ]


def test_missing_required_key_is_named(handbook_copy: Project):
    text = VALID.replace("    owner: Kelsey Brown\n", "")
    assert messages(handbook_copy, text) == [
        "catalog/metrics/extra.yml:2: error: missing required key 'owner'\n"
        "    fix: add 'owner:' here"
    ]


def test_duplicate_name_across_files_names_both_places(handbook_copy: Project):
    text = VALID.replace("name: churn", "name: mau")
    first_line = next(
        n
        for n, line in enumerate(
            (handbook_copy.metrics_dir / "product.yml").read_text().splitlines(), 1
        )
        if line.strip() == "- name: mau"
    )
    # extra.yml sorts before product.yml, so product.yml's is the second definition.
    assert messages(handbook_copy, text) == [
        f"catalog/metrics/product.yml:{first_line}: error: duplicate metric name 'mau' "
        "(also defined at catalog/metrics/extra.yml:2)\n"
        "    fix: metric names must be unique across catalog/metrics/; rename or remove one "
        "of the two"
    ]


def test_every_bad_metric_is_reported_not_just_the_first(handbook_copy: Project):
    text = (
        VALID
        + VALID.replace("metrics:\n", "").replace("churn", "churn2").replace("quarter", "fortnight")
        + "    tags: oops\n"
    )
    found = messages(handbook_copy, text)
    assert len(found) == 2
    assert "'time': Input should be 'day', 'week', 'month', 'quarter' or 'year'" in found[0]
    assert "'tags': Input should be a valid list (got 'oops')" in found[1]


def test_a_serve_session_shows_each_metric_save_and_a_mistake_in_any_file(
    handbook_copy: Project,
):
    """Under serve each load parses again only the metric files that changed; what it
    shows is still every file as saved, mistakes included."""
    from handbook.session import BuildSession

    session = BuildSession(live=False)
    first = session.load(handbook_copy)
    product = handbook_copy.metrics_dir / "product.yml"
    text = product.read_text(encoding="utf-8")
    product.write_text(text.replace("label: Monthly active users", "label: Monthly actives", 1))
    second = session.load(handbook_copy)
    assert second.metrics_by_name["mau"].label == "Monthly actives"
    assert second.metrics_by_name["nps"] == first.metrics_by_name["nps"]

    customer = handbook_copy.metrics_dir / "customer.yml"
    good = customer.read_text(encoding="utf-8")
    customer.write_text(good.replace("  - name: nps", "  - name: [nps", 1), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        session.load(handbook_copy)
    assert any(p.file == "catalog/metrics/customer.yml" for p in caught.value.problems)
    customer.write_text(good, encoding="utf-8")
    third = session.load(handbook_copy)
    assert third.metrics_by_name["mau"].label == "Monthly actives"
    assert third.metrics_by_name["nps"].label == first.metrics_by_name["nps"].label
