"""Looker links in Markdown judged against the snapshot: ok, deleted, missing or excluded."""
