"""How soon does a saved YAML file reach the page under Zensical? Measured, not asserted.

    python scripts/bench_watch.py                  # 20,000 Looker items, 500 metrics
    python scripts/bench_watch.py --items 2000 --pages 100 --repeat 3   # a quick run

Writes the synthetic organisation of `bench_site.py` (hand pages, a Looker snapshot of
`--items` items, 500 metrics, 100 sources), then, as the README's two-terminal loop runs it,
starts `handbook generate --watch` and `zensical serve`, and `--repeat` times relabels one
metric in its YAML and measures

- watch: from the save until `docs/metrics/<name>.md` holds the new label (what
  `handbook generate --watch` adds: its poll, a reload of the catalog, the write);
- served: from the save until `zensical serve` serves the page with the new label (the whole
  loop, Zensical's re-render included).

The baseline, taken in the same run, is one `handbook generate` on the same files after the
same kind of edit (process start, load, render, write). Target (from the issue): watch
≤ 3 s after every save; it is reported against the one-shot run, which bounds what any
watcher can do.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_site import (
    BIN,
    N_METRICS,
    Server,
    env_offline,
    fmt,
    wait_for,
    write_site,
)

TARGET = 3.0  # seconds from a save to the regenerated page


def relabel(root: Path, m: int) -> str:
    """Give metric `m` a new label in its YAML file; returns the label."""
    label = f"Relabelled {m} {time.time_ns()}"
    per = N_METRICS // 10
    path = root / "catalog" / "metrics" / f"metrics_{m // per}.yml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(rf"(  - name: metric_{m}\n    label: ).*\n", rf"\g<1>{label}\n", text)
    path.write_text(text, encoding="utf-8")
    return label


def until_file_has(path: Path, text: str, timeout: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            if text in path.read_text(encoding="utf-8"):
                return time.perf_counter() - started
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    return None


def max_of(values: list[float | None]) -> str:
    got = [v for v in values if v is not None]
    return f"{max(got):.2f} s" if got else "n/a"


def one_shot(root: Path, m: int) -> float:
    relabel(root, m)
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "handbook"), "generate"],
        cwd=root,
        env=env_offline(),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def rounds(root: Path, repeat: int, timeout: float, server: Server | None) -> tuple[list, list]:
    """Relabel a metric `repeat` times; seconds to the page file and to the served page."""
    watch_times: list[float | None] = []
    served_times: list[float | None] = []
    for n in range(repeat):
        m = (n * 53 + 7) % N_METRICS
        label = relabel(root, m)
        started = time.perf_counter()
        page = root / "docs" / "metrics" / f"metric_{m}.md"
        watch_times.append(until_file_has(page, label, timeout))
        if server is not None:
            found = wait_for(server.url + f"metrics/metric_{m}/", label, timeout)
            served_times.append(None if found is None else time.perf_counter() - started)
        time.sleep(1.5)  # let the engine finish re-rendering before the next save
    return watch_times, served_times


def measure(root: Path, repeat: int, timeout: float, serve: bool) -> tuple[list, list]:
    watcher = subprocess.Popen(
        [str(BIN / "handbook"), "generate", "--watch"],
        cwd=root,
        env=env_offline(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert watcher.stdout is not None
        watcher.stdout.readline()  # its first run is done (it fills its render cache)
        threading.Thread(target=watcher.stdout.read, daemon=True).start()  # drain the rest
        if not serve:
            return rounds(root, repeat, timeout, None)
        with Server([str(BIN / "zensical"), "serve"], root, timeout) as server:
            return rounds(root, repeat, timeout, server)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--items", type=int, default=20_000)
    p.add_argument("--pages", type=int, default=1_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--no-serve", action="store_true", help="measure --watch alone")
    p.add_argument(
        "--no-watch-config",
        action="store_true",
        help="drop `watch: [catalog]` from mkdocs.yml (Zensical then re-renders only the "
        "pages generate rewrote, and hand pages keep their references until saved)",
    )
    args = p.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    tmp = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    try:
        root = write_site(tmp / "org", args.pages, args.items).root
        if args.no_watch_config:
            yml = root / "mkdocs.yml"
            text = re.sub(r"\nwatch:\n(?:  - .*\n)+", "\n", yml.read_text(encoding="utf-8"))
            yml.write_text(text, encoding="utf-8")
        print(f"{args.pages:,} hand pages, {args.items:,} items, {N_METRICS} metrics; in {tmp}")
        subprocess.run([str(BIN / "handbook"), "generate"], cwd=root, env=env_offline(), check=True)
        base = [one_shot(root, n) for n in range(args.repeat)]
        print(f"{'one `handbook generate` (baseline)':<40} {fmt(base)}")
        watch_times, served_times = measure(root, args.repeat, args.timeout, not args.no_serve)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'--watch: save -> page file':<40} {fmt(watch_times)}  max {max_of(watch_times)}")
    if served_times:
        print(f"{'+ zensical serve: save -> served page':<40} {fmt(served_times)}")
    got = [t for t in watch_times if t is not None]
    if len(got) == len(watch_times) and got:
        worst = max(got)
        ratio = statistics.median(got) / statistics.median(base)
        verdict = "ok" if worst <= TARGET else f"OVER {TARGET} s"
        print(f"--watch worst {worst:.2f} s (target {TARGET} s: {verdict}); {ratio:.2f}× one run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
