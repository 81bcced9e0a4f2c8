"""Does `handbook validate` grow linearly with the number of metrics? Measured, not asserted.

    python scripts/bench_validate.py [--sizes 500,5000,25000]

Writes a copy of the repository's handbook plus N synthetic metrics (in one file, as a
team that keeps all metrics together would, which is the worst case for per-file work),
then times (CPU time of this process, so other work on the machine counts less)
loading and cross-checking the catalog (`validate_project`: YAML parse, schema,
line numbers, every cross-reference) for each N, best of 3. For each step to a larger size
it reports the growth exponent

    k = log(time large / time small) / log(size large / size small)

which is 1.0 for linear work and 2.0 for quadratic work. Target: k <= 1.2 at every step.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "hooks"))

from handbook.project import Project  # noqa: E402
from handbook.validate import validate_project  # noqa: E402

TARGET = 1.2


def metric_yaml(i: int) -> str:
    return f"""  - name: metric_{i}
    label: Metric number {i}
    description: Synthetic metric {i} for the validation benchmark.
    owner: Owner {i % 40}
    domain: Domain {i % 12}
    status: {("certified", "draft", "deprecated")[i % 3]}
    calculation: |
      COUNT(DISTINCT user_id)
    grain:
      time: month
      entity: instance
    sources: [hubspot]
    looks: [729]
    synonyms: [synonym {i}, other name {i}]
    caveats:
      - A caveat about metric {i}.
    tags: [bench, tag{i % 7}]
"""


def handbook_with(root: Path, n: int) -> Project:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(
        REPO / "catalog", root / "catalog", ignore=shutil.ignore_patterns("*.attempt.json")
    )
    shutil.copytree(REPO / "docs", root / "docs")
    metrics = root / "catalog" / "metrics"
    (metrics / "bench.yml").write_text(
        "metrics:\n" + "".join(metric_yaml(i) for i in range(n)), encoding="utf-8"
    )
    return Project(root)


def best_of(project: Project, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        problems = validate_project(project)
        best = min(best, time.process_time() - started)
        errors = [p for p in problems if p.severity == "error"]
        assert not errors, errors[:3]
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000,25000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    times: list[float] = []
    print(f"{'metrics':>8}  {'seconds':>8}  {'per metric':>11}  growth exponent")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = Path(tmp) / f"h{n}"
            root.mkdir()
            seconds = best_of(handbook_with(root, n))
            times.append(seconds)
            k = ""
            if len(times) > 1:
                k = f"{math.log(times[-1] / times[-2]) / math.log(n / sizes[len(times) - 2]):.2f}"
            print(f"{n:>8,}  {seconds:>8.2f}  {seconds / n * 1e6:>9.0f}µs  {k}")
    exponents = [
        math.log(times[i] / times[i - 1]) / math.log(sizes[i] / sizes[i - 1])
        for i in range(1, len(sizes))
    ]
    worst = max(exponents, default=1.0)
    verdict = "ok" if worst <= TARGET else "TOO SLOW"
    print(f"worst growth exponent {worst:.2f} (1.0 linear, 2.0 quadratic); target <= {TARGET}")
    print(verdict)
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
