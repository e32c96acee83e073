"""`warden policy ...`: work on policy documents (today: validate)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..policy.ast import PolicyKind
from ..policy.validate import Finding, Severity, validate_policy
from .output import console, wants_json, write_json

__all__ = ["policy_app", "register", "run_validate"]

policy_app = typer.Typer(help="Work with policy documents.", no_args_is_help=True)
_STYLES = {"error": "bold red", "security_warning": "bold magenta", "warning": "yellow", "suggestion": "cyan"}


def _as_dict(finding: Finding) -> dict[str, object]:
    position = finding.position
    return {
        "severity": finding.severity.value,
        "code": finding.code,
        "message": finding.message,
        "path": position.path,
        "line": position.line,
        "column": position.column,
    }


def run_validate(path: Path, kind: PolicyKind, *, as_json: bool) -> int:
    """Validate one file; exit code 1 when any finding is an error (2 when the file cannot be read)."""
    try:
        text = path.read_bytes()
    except OSError as exc:
        console.print(f"[bold red]error[/]: cannot read {path}: {exc.strerror}")
        return 2
    findings = validate_policy(text, kind)
    if wants_json(as_json):
        write_json([_as_dict(f) for f in findings])
    elif not findings:
        console.print(f"[green]{path}: no findings[/]")
    else:
        for finding in findings:
            style = _STYLES[finding.severity.value]
            console.print(
                f"{path}: {finding.position}: [{style}]{finding.severity.value}[/] {finding.code}: {finding.message}"
            )
    return 1 if any(f.severity is Severity.ERROR for f in findings) else 0


@policy_app.command("validate")
def validate_command(
    file: Annotated[Path, typer.Argument(help="The policy document (JSON).")],
    kind: Annotated[
        PolicyKind, typer.Option("--kind", help="Where the policy is used.")
    ] = PolicyKind.IDENTITY,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON even on a terminal.")] = False,
) -> None:
    """Check a policy document as AWS would and print findings with their positions."""
    raise typer.Exit(run_validate(file, kind, as_json=as_json))


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")
