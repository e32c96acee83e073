"""`warden authorize`: decide spec request objects from a file or stdin.

Spec: /work/shared/spec/authorization-request.md. A malformed request or
policy gives an error object and a non-zero exit; with `--jsonl` each bad line
gets its error object as its answer and the batch goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.table import Table

from ..policy.authorize import authorize as decide_request
from ..policy.authorize import error_answer
from ..policy.errors import InvalidAuthorizationRequest, PolicyError
from .output import console, wants_json, write_json

__all__ = ["answer_line", "register", "run_authorize"]

_COLOURS = {"allowed": "green", "explicitDeny": "red", "implicitDeny": "yellow"}


def answer_line(text: str) -> tuple[dict[str, Any], bool]:
    """Decide one JSON text; returns the answer (or error object) and whether it is an error."""
    try:
        raw = json.loads(text)
    except ValueError as exc:
        return error_answer(InvalidAuthorizationRequest("request", f"is not valid JSON: {exc}")), True
    except RecursionError:
        return error_answer(InvalidAuthorizationRequest("request", "is nested too deeply to read")), True
    request_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        if not isinstance(raw, dict):
            raise InvalidAuthorizationRequest("request", "must be a JSON object")
        return decide_request(raw), False
    except PolicyError as exc:
        return error_answer(exc, request_id), True


def _open(source: str) -> TextIO:
    if source == "-":
        return sys.stdin
    try:
        return Path(source).open(encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {source}: {exc.strerror}") from exc


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        if line.strip():
            yield line


def _show(answer: dict[str, Any]) -> None:
    """A terminal rendering of one answer."""
    if "error" in answer:
        error = answer["error"]
        console.print(f"[bold red]error[/] in [bold]{error['field']}[/]: {error['message']}")
        return
    decision = answer["decision"]
    console.print(f"[bold {_COLOURS[decision]}]{decision}[/]  {answer['reason']}")
    if answer["matched_statements"]:
        table = Table("type", "policy", "statement", "sid", "effect", show_edge=False)
        for m in answer["matched_statements"]:
            where = str(m["policy_index"]) if "level" not in m else f"{m['level']}/{m['policy_index']}"
            table.add_row(m["policy_type"], where, str(m["statement_index"]), m["sid"] or "", m["effect"])
        console.print(table)
    if answer["missing_context_values"]:
        console.print("missing context values: " + ", ".join(answer["missing_context_values"]))
    shown = ", ".join(f"{k}={v}" for k, v in answer["details"].items() if v is not None)
    console.print(f"[dim]{shown}[/]")


def run_authorize(source: str, *, jsonl: bool, as_json: bool) -> int:
    """The command's body, separated from typer for tests; returns the exit code."""
    stream = _open(source)
    try:
        machine = wants_json(as_json)
        failed = False
        texts: Iterator[str] = _lines(stream) if jsonl else iter([stream.read()])
        for text in texts:
            answer, is_error = answer_line(text)
            failed = failed or is_error
            if machine:
                write_json(answer)
            else:
                _show(answer)
        return 1 if failed else 0
    finally:
        if stream is not sys.stdin:
            stream.close()


def register(app: typer.Typer) -> None:
    @app.command("authorize")
    def authorize_command(
        source: Annotated[str, typer.Argument(help="Request file, or - for stdin.")] = "-",
        jsonl: Annotated[
            bool, typer.Option("--jsonl", help="One request per line; one answer per line.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON even on a terminal.")] = False,
    ) -> None:
        """Decide an authorization request (see the spec) and print the answer."""
        raise typer.Exit(run_authorize(source, jsonl=jsonl, as_json=as_json))
