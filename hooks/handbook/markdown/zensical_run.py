"""What a Markdown extension can learn about the Zensical run it is in, and how it can stop it.

Zensical (0.0.73) runs Python-Markdown in its own process and has no plugin API. Its
`--strict` counts only the warnings its own Rust core finds: a Python `logging` warning from
an extension is printed and then ignored, and an exception from an extension aborts the build
with a traceback. So an extension that must fail a strict build (generated pages missing or
stale, a broken reference) asks `strict_build()` and then calls `abort`, which prints the
problems alone and ends the process with exit code 1, as a failed `mkdocs build --strict`
does. Nothing here imports Zensical: it reads the config module Zensical already loaded.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

from handbook.errors import Problem


def _config() -> dict[str, Any] | None:
    module = sys.modules.get("zensical.config")
    if module is None:
        return None
    try:
        config = module.get_config()
    except Exception:  # a Zensical whose config module changed: not a Zensical we know
        return None
    return config if isinstance(config, dict) else None


def running() -> bool:
    """Whether this process is a Zensical build or serve that has read its configuration."""
    return _config() is not None


def directory_urls() -> bool | None:
    """The site's `use_directory_urls` under Zensical; None elsewhere."""
    config = _config()
    value = config.get("use_directory_urls") if config else None
    return value if isinstance(value, bool) else None


def _strict_flag(args: list[str]) -> bool:
    """Whether `zensical build`'s arguments turn strict on (`--strict`, `-s`, `-cs`)."""
    rest = iter(args)
    for arg in rest:
        if arg == "--strict":
            return True
        if arg in ("-f", "--config-file"):
            next(rest, None)  # its value
        elif arg.startswith("-") and not arg.startswith("--"):
            for flag in arg[1:]:
                if flag == "f":
                    break  # the rest of the group is -f's value
                if flag == "s":
                    return True
    return False


def strict_build() -> bool:
    """Whether this process is `zensical build --strict` (or `strict: true` in the config).

    `zensical serve` has no strict mode (it says so), so it never counts.
    """
    config = _config()
    args = sys.argv[1:]
    if config is None or "build" not in args:
        return False
    return bool(config.get("strict")) or _strict_flag(args[args.index("build") + 1 :])


def abort(problems: Iterable[Problem]) -> None:
    """Print `problems` and end this Zensical build with exit code 1 (see the docstring)."""
    for problem in problems:
        print(problem, file=sys.stderr)
    print("Aborted by handbook.refs because --strict is set (the problems above)", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)
