"""Is reading a big dbt manifest cheap? Time and peak memory against `json.load`, measured.

    python scripts/bench_dbt.py [--models 8000] [--sources 2000] [--runs 3]

Writes a synthetic `manifest.json` in dbt's own layout (the committed test manifest's
metadata, macros and source nodes, plus N model nodes shaped like dbt-core 1.11's, with
SQL, columns and config, and the parent/child maps), about 50 MB at the defaults: the size
of a large dbt project's manifest. Then, each in a fresh Python process, best of `--runs`:

- baseline: `json.load` of the whole file, then keeping the `sources` part (what a reader
  that parses everything holds at its peak);
- handbook: `handbook.dbt.artifacts.read_manifest` (metadata and sources decoded, the rest
  skimmed);
- handbook, unchanged file: `handbook.dbt.loader.load_dbt` twice on a handbook naming the
  manifest; the second call's time (the manifest is not read again while it is unchanged).

It reports wall time and peak resident memory (the process's high-water mark, Linux's
VmHWM, minus the same before reading) and the handbook's ratios to the baseline.
Targets: memory <= 0.5x, time <= 1.5x, the unchanged read <= 1 % of the first.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "dbt" / "artifacts" / "manifest.json"
TARGETS = {"memory": 0.5, "time": 1.5, "unchanged": 0.01}

_SQL = (
    "with source as (\n    select * from {{{{ source('raw', 'table_{i}') }}}}\n),\n"
    "renamed as (\n    select\n"
    + "".join(f"        column_{c} as renamed_column_{c},\n" for c in range(40))
    + "        _loaded_at\n    from source\n)\nselect * from renamed\n"
)


def _config(i: int) -> dict:
    return {
        "enabled": True,
        "alias": None,
        "schema": "analytics",
        "database": None,
        "tags": ["daily"],
        "meta": {"owner": f"team {i % 30}"},
        "group": None,
        "materialized": "table",
        "incremental_strategy": None,
        "persist_docs": {},
        "post-hook": [],
        "pre-hook": [],
        "quoting": {},
        "column_types": {},
        "full_refresh": None,
        "unique_key": None,
        "on_schema_change": "ignore",
        "on_configuration_change": "apply",
        "grants": {},
        "packages": [],
        "docs": {"show": True, "node_color": None},
        "contract": {"enforced": False, "alias_types": True},
        "access": "protected",
    }


def _columns(i: int) -> dict:
    return {
        f"renamed_column_{c}": {
            "name": f"renamed_column_{c}",
            "description": f"Column {c} of model {i}, renamed from column_{c}.",
            "meta": {},
            "data_type": "string",
            "constraints": [],
            "quote": None,
            "config": {"meta": {}, "tags": []},
            "tags": [],
            "granularity": None,
            "doc_blocks": [],
        }
        for c in range(12)
    }


def _model(i: int) -> dict:
    """One model node with the fields and rough size of a real dbt 1.11 model."""
    return {
        "database": "analytics",
        "schema": "analytics",
        "name": f"model_{i}",
        "resource_type": "model",
        "package_name": "bench",
        "path": f"staging/model_{i}.sql",
        "original_file_path": f"models/staging/model_{i}.sql",
        "unique_id": f"model.bench.model_{i}",
        "fqn": ["bench", "staging", f"model_{i}"],
        "alias": f"model_{i}",
        "checksum": {"name": "sha256", "checksum": f"{i:064x}"},
        "config": _config(i),
        "tags": ["daily"],
        "description": f"Model {i}: one row per thing, renamed and typed.",
        "columns": _columns(i),
        "meta": {"owner": f"team {i % 30}"},
        "group": None,
        "docs": {"show": True, "node_color": None},
        "patch_path": "bench://models/staging/schema.yml",
        "build_path": None,
        "unrendered_config": {"materialized": "table"},
        "created_at": 1796583935.0,
        "relation_name": f'"analytics"."analytics"."model_{i}"',
        "raw_code": _SQL.format(i=i),
        "doc_blocks": [],
        "language": "sql",
        "refs": [],
        "sources": [["raw", f"table_{i}"]],
        "metrics": [],
        "functions": [],
        "depends_on": {"macros": [], "nodes": [f"source.bench.raw.table_{i}"]},
        "compiled_path": f"target/compiled/bench/models/staging/model_{i}.sql",
        "contract": {"enforced": False, "alias_types": True, "checksum": None},
        "access": "protected",
        "constraints": [],
        "version": None,
        "latest_version": None,
        "deprecation_date": None,
        "primary_key": [],
        "time_spine": None,
    }


def write_manifest(path: Path, models: int, sources: int) -> None:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    template = fixture["sources"]["source.handbook_fixture.stripe.charges"]
    data = {key: fixture[key] for key in fixture}
    data["nodes"] = {f"model.bench.model_{i}": _model(i) for i in range(models)}
    data["sources"] = {
        f"source.bench.raw.table_{i}": {
            **template,
            "unique_id": f"source.bench.raw.table_{i}",
            "source_name": f"raw_{i % 50}",
            "name": f"table_{i}",
            "identifier": f"table_{i}",
        }
        for i in range(sources)
    }
    edges = {f"model.bench.model_{i}": [f"source.bench.raw.table_{i}"] for i in range(models)}
    data["parent_map"] = edges
    data["child_map"] = {parents[0]: [child] for child, parents in edges.items()}
    path.write_text(json.dumps(data), encoding="utf-8")


_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {hooks!r})

def peak_kib():
    # The process's own high-water mark: Linux's VmHWM (ru_maxrss can carry the pre-exec
    # image of the parent that forked this process).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

mode, path = sys.argv[1], Path(sys.argv[2])
if mode != "baseline":
    from handbook.dbt.artifacts import read_manifest
    from handbook.dbt.loader import load_dbt
    from handbook.project import Project
before = peak_kib()
started = time.perf_counter()
if mode == "baseline":
    with path.open(encoding="utf-8") as fh:
        kept = json.load(fh)["sources"]
    count = len(kept)
elif mode == "handbook":
    count = len(read_manifest(path, "manifest").tables)
else:
    project = Project(path.parent)
    count = len(load_dbt(project).manifest.tables)
    started = time.perf_counter()
    count = len(load_dbt(project).manifest.tables)
elapsed = time.perf_counter() - started
peak = peak_kib() - before
print(json.dumps({{"seconds": elapsed, "kib": peak, "sources": count}}))
"""


def run(mode: str, path: Path) -> dict:
    child = _CHILD.format(hooks=str(REPO / "hooks"))
    done = subprocess.run(
        [sys.executable, "-c", child, mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def best(mode: str, path: Path, runs: int) -> dict:
    results = [run(mode, path) for _ in range(runs)]
    return {
        "seconds": min(r["seconds"] for r in results),
        "kib": min(r["kib"] for r in results),
        "sources": results[0]["sources"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=8000)
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-dbt-") as tmp:
        root = Path(tmp)
        (root / "catalog").mkdir()
        (root / "catalog" / "dbt.yml").write_text("manifest: manifest.json\n", encoding="utf-8")
        manifest = root / "manifest.json"
        write_manifest(manifest, args.models, args.sources)
        size = manifest.stat().st_size / 1e6
        base = best("baseline", manifest, args.runs)
        ours = best("handbook", manifest, args.runs)
        again = best("unchanged", manifest, args.runs)
    assert base["sources"] == ours["sources"] == again["sources"] == args.sources
    ratios = {
        "memory": ours["kib"] / max(base["kib"], 1),
        "time": ours["seconds"] / base["seconds"],
        "unchanged": again["seconds"] / ours["seconds"],
    }
    print(f"manifest: {size:.1f} MB, {args.models:,} models, {args.sources:,} source tables")
    print(f"{'':28} {'time':>10} {'peak memory':>14}")
    for label, row in (("json.load (baseline)", base), ("handbook read_manifest", ours)):
        print(f"{label:28} {row['seconds']:9.3f}s {row['kib'] / 1024:11.1f} MiB")
    print(f"{'handbook, unchanged file':28} {again['seconds']:9.4f}s")
    failed = False
    for name, value in ratios.items():
        ok = value <= TARGETS[name]
        failed |= not ok
        print(
            f"ratio {name:10} {value:7.3f}  (target <= {TARGETS[name]})  {'ok' if ok else 'MISS'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
