"""The stylesheet and table script the package ships, read from `render/assets/`.

Both engines publish them at `addresses.CSS_PATH` and `addresses.JS_PATH`: the MkDocs plugin
as files of the site, `handbook generate` as files below docs/ that `mkdocs.yml` lists in
`extra_css` and `extra_javascript`.
"""

from __future__ import annotations

from importlib.resources import files


def stylesheet() -> str:
    """The badges', tables' and cards' styles the generated pages use."""
    return files("handbook.render").joinpath("assets/handbook.css").read_text("utf-8")


def script() -> str:
    """The table filters, card labels and "how long ago" times the generated pages use."""
    return files("handbook.render").joinpath("assets/filters.js").read_text("utf-8")
