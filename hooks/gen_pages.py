"""mkdocs-gen-files script: write the catalog pages the handbook package renders."""

import mkdocs_gen_files
from handbook.adapters import mkdocs_build as site
from handbook.render.pages import all_pages

for page in all_pages(site.current()):
    with mkdocs_gen_files.open(page.path, "w") as fh:
        fh.write(page.content)
    if page.edit_path:
        mkdocs_gen_files.set_edit_path(page.path, f"../{page.edit_path}")
