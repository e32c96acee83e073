"""Run the command as a child, pass on the signals `warden run` receives, and give back its
exit status the way a shell reports it (128 + N for a child killed by signal N)."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from types import FrameType

__all__ = ["FORWARDED_SIGNALS", "run_child"]

FORWARDED_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH")
    if hasattr(signal, name)
)


def run_child(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Start `argv` with `env`, wait for it, and return its exit code."""
    try:
        child = subprocess.Popen(list(argv), env=dict(env))
    except FileNotFoundError:
        sys.stderr.write(f"warden run: command not found: {argv[0]}\n")
        return 127
    except PermissionError:
        sys.stderr.write(f"warden run: permission denied: {argv[0]}\n")
        return 126

    def forward(signum: int, _frame: FrameType | None) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED_SIGNALS}
    try:
        code = child.wait()  # a forwarded signal interrupts the wait, which resumes (PEP 475)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 128 - code if code < 0 else code
