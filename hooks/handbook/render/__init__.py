"""Generated pages: Jinja2 templates and the Markdown-safe escaping they render through."""
