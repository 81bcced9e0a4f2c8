"""Curated YAML under catalog/: metrics, sources, reports and the publishing policy.

Read with line numbers and validated by pydantic models, so every error names file and line.
"""
