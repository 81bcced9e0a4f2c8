"""The only code that talks to Looker: the catalog pull, System Activity, the content
validator and the live id check (the package map in `handbook/__init__.py` lists each module)."""
