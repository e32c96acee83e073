"""Where command output goes: JSON for machines, rich text for people at a terminal."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

__all__ = ["console", "error_console", "wants_json", "write_json"]

console = Console(highlight=False, soft_wrap=True)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


def wants_json(forced: bool) -> bool:
    """JSON when asked for, or whenever stdout is not a terminal (pipes, files, tests)."""
    return forced or not sys.stdout.isatty()


def write_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, sort_keys=False) + "\n")
    sys.stdout.flush()
