"""Release over release: two warden builds under the same load, in interleaved rounds.

`python -m bench.compare --baseline OLD/.venv/bin/warden [--candidate NEW/.venv/bin/warden]
[--rounds R] [--seconds S]` starts both builds (each `warden serve` on SQLite in a temp folder,
pinned to core 0, signing as an IAM user as bench/server.py does) and drives one at a time with
wrk (pinned to core 1, 50 keep-alive connections) for S seconds, alternating the order every
round. On a shared machine whose speed drifts by tens of percent within minutes, the ratio of
two runs taken back to back is what holds still: the report gives each build's median req/s
and p99, and the median of the per-round ratios candidate/baseline. A baseline build is any
checkout with its own venv, e.g. `git worktree add ../base v0.1 && make -C ../base install`.
Needs wrk. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.server import GET_USER_BODY, IDENTITY_BODY, _free_port, _pin, _start, _wrk_measure, bench_user

_TARGETS = {"GetCallerIdentity": (IDENTITY_BODY, "sts"), "GetUser": (GET_USER_BODY, "iam")}


@dataclass
class Build:
    name: str
    executable: str
    port: int = 0
    key: tuple[str, str] = ("", "")
    rates: dict[str, list[float]] = field(default_factory=dict)
    p99s: dict[str, list[float]] = field(default_factory=dict)


def _serve(build: Build, data: str) -> subprocess.Popen[bytes]:
    build.port = _free_port()
    process = _start(
        [build.executable, "serve", "--port", str(build.port), "--data", data, "--log-level", "warning"],
        build.port,
        dict(os.environ),
    )
    # Every thread of the server on core 0, the load generator's core left alone.
    subprocess.run(["taskset", "-apc", "0", str(process.pid)], capture_output=True, check=False)
    build.key = bench_user(build.port, Path(data))
    return process


def _round(builds: list[Build], target: str, seconds: float, connections: int) -> None:
    body, service = _TARGETS[target]
    for build in builds:
        rate, _p50, p99, errors = _wrk_measure(build.port, body, service, *build.key, seconds, connections)
        if errors:
            raise RuntimeError(f"{build.name} answered {errors} errors to {target}")
        build.rates.setdefault(target, []).append(rate)
        build.p99s.setdefault(target, []).append(p99)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="the older build's warden executable")
    parser.add_argument("--candidate", default=str(Path(sys.executable).parent / "warden"))
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("wrk") is None or shutil.which("taskset") is None:
        sys.exit("bench.compare needs wrk and taskset on PATH")
    _pin(1)
    baseline, candidate = Build("baseline", args.baseline), Build("candidate", args.candidate)
    with tempfile.TemporaryDirectory() as old_data, tempfile.TemporaryDirectory() as new_data:
        processes = [_serve(baseline, old_data), _serve(candidate, new_data)]
        try:
            for number in range(args.rounds):
                order = [baseline, candidate] if number % 2 == 0 else [candidate, baseline]
                for target in _TARGETS:
                    _round(order, target, args.seconds, args.connections)
        finally:
            for process in processes:
                process.terminate()
                process.wait()
    print(f"{args.rounds} interleaved rounds of {args.seconds:g} s, {args.connections} connections, wrk")
    print(f"{'target':18} {'baseline req/s':>15} {'p99 ms':>7} {'candidate req/s':>16} {'p99 ms':>7} {'ratio':>6}")
    for target in _TARGETS:
        ratios = [new / old for old, new in zip(baseline.rates[target], candidate.rates[target], strict=True)]
        print(
            f"{target:18} {statistics.median(baseline.rates[target]):15,.0f} "
            f"{statistics.median(baseline.p99s[target]):7.1f} {statistics.median(candidate.rates[target]):16,.0f} "
            f"{statistics.median(candidate.p99s[target]):7.1f} {statistics.median(ratios):6.2f}"
        )
    print("ratio: median over rounds of candidate/baseline req/s measured back to back")


if __name__ == "__main__":
    main()
