"""Pause Python's cyclic garbage collector while a catalog is built from files.

Loading builds hundreds of thousands of small, long-lived, acyclic objects (YAML nodes,
dicts, pydantic models). CPython's collector keeps re-scanning them as they pile up, which
made loading grow faster than the number of metrics (measured by scripts/bench_validate.py:
per-metric cost doubled from 1,000 to 8,000 metrics; with the collector paused it stays
flat). Reference counting still frees everything; the collector resumes afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
