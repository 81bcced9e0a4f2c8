"""Read a text file a user or a pull wrote, or say exactly where it is not UTF-8.

YAML, Markdown pages and snapshot JSON are all UTF-8. A stray Latin-1 byte (a file saved by
an old editor, a paste from a spreadsheet) must give `file:line` and what to do, not a
`UnicodeDecodeError` traceback from deep inside MkDocs after it has emptied `site/`.
"""

from __future__ import annotations

from pathlib import Path

from handbook.errors import CatalogError

MAX_BYTES = 5 * 1024 * 1024  # no handbook file comes close; more is a mistake or an attack


def decode_utf8(data: bytes, display: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise CatalogError.single(
            display,
            line,
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column}",
            "save the file as UTF-8 (most editors: 'Save with encoding' → UTF-8)",
        ) from None


def read_utf8(path: Path, display: str | None = None, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of `path`; CatalogError naming the file (and line) when it cannot be read."""
    display = display or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CatalogError.single(
                display,
                None,
                f"file is {size:,} bytes, more than the {max_bytes:,} allowed",
                "split it into smaller files, or check that it is the file you meant",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError.single(display, None, f"cannot read file: {exc.strerror}") from None
    return decode_utf8(data, display)
