"""Throughput and latency of warden over HTTP against a bare ASGI app on the same stack.

`python -m bench.server [--seconds S] [--connections N] [--runs R]` starts, each in its own
process pinned to core 0 where possible: warden (`warden serve`, SQLite in a temp folder) and the bare app of
bench/bare_app.py under uvicorn. A separate load-generating process (pinned to core 1) keeps N
keep-alive HTTP/1.1 connections busy with pre-signed requests and records each latency. Prints
requests/s, p50 and p99 for: the bare app, the bare app with only the SigV4 check, warden's
authenticated sts:GetCallerIdentity and iam:GetUser, and the bare app on uvicorn's pure-Python
stack (h11 and asyncio instead of httptools and uvloop, for context), and the ratio to the bare
app; with `--runs R` every target is measured R times,
interleaved, and the medians are shown. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import configparser
import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TARGET_RATIO = 0.70


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pin(core: int) -> None:
    if hasattr(os, "sched_setaffinity") and core < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {core})


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def _signed_parts(port: int, body: str, service: str, key: str, secret: str) -> tuple[dict[str, str], bytes]:
    """Headers and body of one signed POST; replayed as is during the run (valid for 15 min)."""
    request = AWSRequest(
        method="POST",
        url=f"http://127.0.0.1:{port}/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = {name: str(value) for name, value in prepared.headers.items() if name.lower() != "host"}
    payload = prepared.body if isinstance(prepared.body, bytes) else prepared.body.encode()
    return headers, payload


def _raw_request(port: int, body: str, service: str, key: str, secret: str) -> bytes:
    headers, payload = _signed_parts(port, body, service, key, secret)
    head = f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    for name, value in headers.items():
        head += f"{name}: {value}\r\n"
    head += f"Content-Length: {len(payload)}\r\n\r\n"
    return head.encode() + payload


def _wrk_measure(
    port: int, body: str, service: str, key: str, secret: str, seconds: float, connections: int
) -> tuple[float, float, float, int]:
    """The same measurement with wrk (a C load generator) when it is installed: a Python load
    generator saturates before a fast server does."""
    headers, payload = _signed_parts(port, body, service, key, secret)
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(payload.decode())}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency", "-s", script.name,
               f"http://127.0.0.1:{port}/"]
    out = subprocess.run(command, capture_output=True, text=True, preexec_fn=lambda: _pin(1), check=True).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def percentile(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, percentile("50"), percentile("99"), int(non2xx.group(1)) if non2xx else 0


async def _connection(port: int, raw: bytes, stop_at: float, latencies: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(raw)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not status_line.startswith(b"HTTP/1.1 200"):
                errors.append(1)
    finally:
        writer.close()


def _load(port: int, raw: bytes, seconds: float, connections: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    _pin(1)
    latencies: list[float] = []
    errors: list[int] = []

    async def run() -> None:
        stop_at = time.perf_counter() + seconds
        await asyncio.gather(*(_connection(port, raw, stop_at, latencies, errors) for _ in range(connections)))

    started = time.perf_counter()
    asyncio.run(run())
    elapsed = time.perf_counter() - started
    out.put((len(latencies) / elapsed, latencies, len(errors)))


def measure(port: int, raw: bytes, seconds: float, connections: int) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, non-200 answers) from a separate load process."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.Process(target=_load, args=(port, raw, seconds, connections, queue))
    process.start()
    rate, latencies, errors = queue.get()
    process.join()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return rate, p50, p99, errors


def _start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=lambda: _pin(0)  # noqa: PLW1509 (no threads yet)
    )
    _wait_ready(port)
    return process


def bench_user(port: int, data: Path) -> tuple[str, str]:
    """The access key of an IAM user allowed to read users, made with the root key of `data`.

    Typical traffic: an IAM user (root would trip the shipped root-activity alert on every
    request, which is not what servers mostly see)."""
    credentials = configparser.ConfigParser()
    credentials.read(data / "credentials")
    root_iam = boto3.client(
        "iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id=credentials["default"]["aws_access_key_id"],
        aws_secret_access_key=credentials["default"]["aws_secret_access_key"],
    )
    root_iam.create_user(UserName="bench")
    root_iam.put_user_policy(
        UserName="bench", PolicyName="read-users",
        PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}',
    )
    access = root_iam.create_access_key(UserName="bench")["AccessKey"]
    return access["AccessKeyId"], access["SecretAccessKey"]


IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15"
GET_USER_BODY = "Action=GetUser&UserName=bench&Version=2010-05-08"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1, help="runs per target, interleaved; medians are shown")
    parser.add_argument("--python-load", action="store_true", help="use the Python load generator even if wrk exists")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as data:
        warden_port, bare_port, sig_port = _free_port(), _free_port(), _free_port()
        warden = _start(
            [str(bin_dir / "warden"), "serve", "--port", str(warden_port), "--data", data, "--log-level", "warning"],
            warden_port,
            env,
        )
        bare = _start(
            [str(bin_dir / "uvicorn"), "bench.bare_app:app", "--port", str(bare_port), "--log-level", "warning",
             "--no-access-log", "--no-proxy-headers"],
            bare_port,
            env,
        )
        # The same bare app on uvicorn's pure-Python stack (h11, asyncio): what "a bare app on
        # one core" does without the C parser and loop warden runs on (context, not the baseline).
        pure_port = _free_port()
        pure = _start(
            [str(bin_dir / "uvicorn"), "bench.bare_app:app", "--port", str(pure_port), "--log-level", "warning",
             "--no-access-log", "--no-proxy-headers", "--http", "h11", "--loop", "asyncio"],
            pure_port,
            env,
        )
        key, secret = bench_user(warden_port, Path(data))
        sig_only = _start(
            [str(bin_dir / "uvicorn"), "bench.sigv4_app:app", "--port", str(sig_port), "--log-level", "warning",
             "--no-access-log", "--no-proxy-headers"],
            sig_port,
            {**env, "BENCH_SECRET_ACCESS_KEY": secret},
        )
        try:
            identity, get_user = IDENTITY_BODY, GET_USER_BODY
            use_wrk = shutil.which("wrk") is not None and not args.python_load

            def run(port: int, body: str, service: str) -> tuple[float, float, float, int]:
                if use_wrk:
                    return _wrk_measure(port, body, service, key, secret, args.seconds, args.connections)
                return measure(port, _raw_request(port, body, service, key, secret), args.seconds, args.connections)

            print(f"load generator: {'wrk' if use_wrk else 'Python asyncio'}, {args.connections} connections, "
                  f"{args.runs} run(s) of {args.seconds:g} s per target; medians shown")
            targets = [
                ("bare ASGI app", bare_port, identity, "sts"),
                ("bare app + SigV4 check only", sig_port, identity, "sts"),
                ("warden sts:GetCallerIdentity", warden_port, identity, "sts"),
                ("warden iam:GetUser", warden_port, get_user, "iam"),
                ("bare app on h11 + asyncio", pure_port, identity, "sts"),
            ]
            samples: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name, *_ in targets}
            for _ in range(args.runs):  # interleaved, so a noisy spell hits every target alike
                for name, port, body, service in targets:
                    samples[name].append(run(port, body, service))
        finally:
            for process in (warden, bare, sig_only, pure):
                process.terminate()
                process.wait()
    rows = [(name, _median_row(found)) for name, found in samples.items()]
    baseline = rows[0][1][0]
    print(f"{'target':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs bare':>8}")
    for name, (rate, p50, p99, errors) in rows:
        print(f"{name:32} {rate:9,.0f} {p50:8.2f} {p99:8.2f} {errors:7d} {rate / baseline:8.0%}")
    ratio = rows[2][1][0] / baseline
    verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
    print(f"GetCallerIdentity at {ratio:.0%} of the bare app (target >= {TARGET_RATIO:.0%}): {verdict}")
    print(f"GetCallerIdentity at {rows[2][1][0] / rows[4][1][0]:.0%} of the bare app on uvicorn's pure-Python stack")
    # Per-request cost above the bare app's, in microseconds of the one core: what the
    # signature check alone takes on this stack, and what warden takes in all.
    bare_us, sig_us, gci_us = (1e6 / rows[i][1][0] for i in range(3))
    print(f"per request above the bare app: SigV4 check alone {sig_us - bare_us:.0f} us, "
          f"warden GetCallerIdentity {gci_us - bare_us:.0f} us (the bare app itself: {bare_us:.0f} us)")


def _median_row(found: list[tuple[float, float, float, int]]) -> tuple[float, float, float, int]:
    """Per column median of several runs (errors: the total)."""
    return (
        statistics.median(r[0] for r in found),
        statistics.median(r[1] for r in found),
        statistics.median(r[2] for r in found),
        sum(r[3] for r in found),
    )


if __name__ == "__main__":
    main()
