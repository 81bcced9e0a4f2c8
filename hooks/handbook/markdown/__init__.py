"""Markdown read as a renderer reads it: what is code, `[[…]]` references, Looker URLs."""
