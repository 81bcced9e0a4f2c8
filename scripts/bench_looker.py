"""Benchmark: a full Looker pull of 20,000 items and 100 explores at 50 ms per request,
then a second pull with no LookML change.

Why: the pull's cost is round trips, not items (System Activity's explore/fields of every
look and dashboard included: two inline queries, ~30,000 rows here). The figure that matters is
wall / (requests x latency): at most 1.5 means per-item work (JSON, mapping, validation)
stays small next to the network and independent lists are fetched side by side.

The fake runs in its own process, as a real Looker runs on its own machine; otherwise the
two would share one GIL and the benchmark would measure the fake. looker_sdk is imported
before the clock starts: its import (~1.5 s) is paid once per process, not per pull.

The second pull is what every night costs once LookML is unchanged: explores (one request
each, Looker has no bulk call) are copied from the first pull's snapshot because each
project's deployed commit is the same; its request count must stay <= 30.

Run: `python scripts/bench_looker.py [--items 20000] [--explores 100] [--projects 2]
[--folders 400] [--latency 0.05]`.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fakes.fake_looker import FakeLooker, contract_errors, synthetic
from handbook.looker.pull import PullSettings, pull_snapshot
from handbook.snapshot.model import LookerSnapshot


def _serve(conn: Connection, args: argparse.Namespace) -> None:
    """The fake Looker, in a child process: send its address, serve until told to stop."""
    data = synthetic(
        args.items, folders=args.folders, explores=args.explores, projects=args.projects
    )
    fake = FakeLooker(data, latency=args.latency, validate_sample=3)
    for name in ("FolderBase", "Dashboard", "DashboardBase", "Look", "User", "Query"):
        contract_errors({}, name)  # build the validators before the clock starts
    for explore in ("look", "dashboard"):
        fake.system_activity(explore)  # and System Activity's tables, as Looker has them
    with fake:
        conn.send((fake.base_url, fake.client_id, fake.client_secret))
        conn.recv()  # after the first pull
        conn.send(len(fake.log))
        conn.recv()  # after the second
        conn.send((len(fake.log), fake.violations[:3]))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--explores", type=int, default=100)
    parser.add_argument("--projects", type=int, default=2)
    parser.add_argument("--folders", type=int, default=400)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()

    import looker_sdk  # noqa: F401  (warm import, see the module docstring)

    parent, child = mp.get_context("fork").Pipe()
    server = mp.get_context("fork").Process(target=_serve, args=(child, args), daemon=True)
    server.start()
    base_url, client_id, client_secret = parent.recv()
    settings = PullSettings(base_url=base_url, client_id=client_id, client_secret=client_secret)
    started = time.perf_counter()
    snapshot = pull_snapshot(settings=settings)
    wall = time.perf_counter() - started
    parent.send("first done")
    served_first = parent.recv()
    again = pull_snapshot(settings=settings, previous=snapshot)
    parent.send("stop")
    served, violations = parent.recv()
    server.join(10)
    return _report(args, snapshot, again, wall, (served_first, served - served_first), violations)


def _report(
    args: argparse.Namespace,
    snapshot: LookerSnapshot,
    again: LookerSnapshot,
    wall: float,
    served: tuple[int, int],
    violations: list[str],
) -> int:
    requests = snapshot.requests or 0
    second = again.requests or 0
    ratio = wall / (requests * args.latency)
    print(
        f"items pulled:  {len(snapshot.items):,} ({len(snapshot.folders)} folders, "
        f"{len(snapshot.explores)} explores in {len(snapshot.projects)} projects)"
    )
    with_fields = sum(1 for i in snapshot.items if i.fields)
    print(f"full pull:     {requests} requests (the fake served {served[0]})")
    print(f"items with explore fields: {with_fields:,} (from System Activity)")
    print(f"wall time:     {wall:.2f} s")
    print(f"ratio wall / (requests x {args.latency * 1000:.0f} ms): {ratio:.2f} (target <= 1.5)")
    same = again.explores == snapshot.explores
    print(
        f"second pull, no LookML change: {second} requests (the fake served {served[1]}; "
        f"target <= 30); explores identical: {same}"
    )
    if violations:
        print(f"contract violations: {violations}")
        return 1
    return 0 if ratio <= 1.5 and second <= 30 and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
