"""`warden alerts`: list, add, remove, enable, disable, route (targets) and test alert rules in DATA_DIR/alerts.json.

A running server re-reads the file when it changes, so edits here take effect without a restart.
Off a terminal every command prints JSON (see output.py); errors exit with status 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.table import Table

from warden.audit.alerts.delivery import Deliverer, alert_for
from warden.audit.alerts.patterns import PatternError, compile_pattern
from warden.audit.alerts.rules import AlertRule, CommandTarget, RuleError, Target, WebhookTarget
from warden.audit.alerts.samples import sample_event
from warden.audit.alerts.store import RuleBook, RulesFile

from .output import console, error_console, wants_json, write_json

__all__ = ["register"]

alerts_app = typer.Typer(help="Manage alert rules on audit events.", no_args_is_help=True)

DataOption = Annotated[Path, typer.Option("--data", help="The server's data folder.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON even on a terminal.")]
NameArgument = Annotated[str, typer.Argument(help="Rule name.")]


def _fail(message: str, as_json: bool) -> NoReturn:
    if wants_json(as_json):
        write_json({"error": message})
    else:
        error_console.print(f"[bold red]error[/]: {message}")
    raise typer.Exit(1)


def _load(data: Path, as_json: bool) -> tuple[RulesFile, RuleBook]:
    file = RulesFile.in_data_dir(data)
    try:
        return file, file.load()
    except (RuleError, OSError) as exc:
        _fail(str(exc), as_json)


def _summary(rule: AlertRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "enabled": rule.enabled,
        "builtin": rule.builtin,
        "description": rule.description,
        "pattern": dict(rule.pattern.source),
        "targets": [t.describe() for t in rule.targets],  # webhook URLs shortened: they hold secrets
        **(
            {"burst": {"threshold": rule.burst.threshold, "windowSeconds": rule.burst.window_seconds}}
            if rule.burst
            else {}
        ),
    }


@alerts_app.command("list")
def list_rules(data: DataOption = Path(".warden"), as_json: JsonOption = False) -> None:
    """List the shipped and your own alert rules."""
    _, book = _load(data, as_json)
    rules = [_summary(r) for r in book.rules()]
    if wants_json(as_json):
        write_json(rules)
        return
    table = Table("name", "on", "kind", "targets", "description")
    for r in rules:
        table.add_row(
            r["name"],
            "yes" if r["enabled"] else "no",
            "shipped" if r["builtin"] else "custom",
            ", ".join(r["targets"]),
            r["description"],
        )
    console.print(table)


@alerts_app.command("add")
def add(
    name: NameArgument,
    pattern: Annotated[str, typer.Option("--pattern", help="EventBridge event pattern (JSON, or @FILE).")],
    webhook: Annotated[
        list[str] | None, typer.Option("--webhook", help="URL to POST the event JSON to.")
    ] = None,
    command: Annotated[
        list[str] | None, typer.Option("--command", help="Command run with the event JSON on stdin.")
    ] = None,
    description: Annotated[str, typer.Option("--description", help="What the rule is for.")] = "",
    disabled: Annotated[bool, typer.Option("--disabled", help="Add the rule switched off.")] = False,
    data: DataOption = Path(".warden"),
    as_json: JsonOption = False,
) -> None:
    """Add a rule: events matching PATTERN go to each webhook and command given."""
    file, book = _load(data, as_json)
    text = pattern
    if pattern.startswith("@"):
        try:
            text = Path(pattern[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot read {pattern[1:]}: {exc.strerror}", as_json)
    try:
        targets: list[Target] = [WebhookTarget(url) for url in webhook or []]
        targets += [CommandTarget(cmd) for cmd in command or []]
        if not targets:
            raise RuleError("Give at least one --webhook or --command.")
        rule = AlertRule(
            name=name,
            pattern=compile_pattern(text),
            targets=tuple(targets),
            description=description,
            enabled=not disabled,
        )
        book.add(rule)
        file.save(book)
    except (RuleError, PatternError) as exc:
        _fail(str(exc), as_json)
    if wants_json(as_json):
        write_json(_summary(rule))
    else:
        console.print(f"Added rule [bold]{name}[/] ({'disabled' if disabled else 'enabled'}).")


def _change(name: str, data: Path, as_json: bool, action: str) -> None:
    file, book = _load(data, as_json)
    try:
        if action == "remove":
            book.remove(name)
        else:
            book.set_enabled(name, action == "enable")
        file.save(book)
    except KeyError:
        _fail(f"Rule {name} does not exist.", as_json)
    except RuleError as exc:
        _fail(str(exc), as_json)
    if wants_json(as_json):
        write_json({"name": name, "result": f"{action}d"})
    else:
        console.print(f"Rule [bold]{name}[/] {action}d.")


@alerts_app.command("remove")
def remove(name: NameArgument, data: DataOption = Path(".warden"), as_json: JsonOption = False) -> None:
    """Remove one of your rules (shipped rules can only be disabled)."""
    _change(name, data, as_json, "remove")


@alerts_app.command("enable")
def enable(name: NameArgument, data: DataOption = Path(".warden"), as_json: JsonOption = False) -> None:
    """Switch a rule on."""
    _change(name, data, as_json, "enable")


@alerts_app.command("disable")
def disable(name: NameArgument, data: DataOption = Path(".warden"), as_json: JsonOption = False) -> None:
    """Switch a rule off."""
    _change(name, data, as_json, "disable")


@alerts_app.command("targets")
def set_targets(
    name: NameArgument,
    webhook: Annotated[
        list[str] | None, typer.Option("--webhook", help="URL to POST the event JSON to.")
    ] = None,
    command: Annotated[
        list[str] | None, typer.Option("--command", help="Command run with the event JSON on stdin.")
    ] = None,
    data: DataOption = Path(".warden"),
    as_json: JsonOption = False,
) -> None:
    """Set where a rule's alerts go. For a shipped rule these come on top of its log line;
    giving none sends a shipped rule back to the log only."""
    file, book = _load(data, as_json)
    try:
        targets: list[Target] = [WebhookTarget(url) for url in webhook or []]
        targets += [CommandTarget(cmd) for cmd in command or []]
        book.set_targets(name, tuple(targets))
        file.save(book)
    except KeyError:
        _fail(f"Rule {name} does not exist.", as_json)
    except RuleError as exc:
        _fail(str(exc), as_json)
    rule = book.get(name)
    if wants_json(as_json):
        write_json(_summary(rule))
    else:
        console.print(f"Rule [bold]{name}[/] now goes to: {', '.join(t.describe() for t in rule.targets)}.")


@alerts_app.command("test")
def test(
    name: NameArgument,
    event: Annotated[
        Path | None, typer.Option("--event", help="JSON file with one CloudTrail record.")
    ] = None,
    data: DataOption = Path(".warden"),
    as_json: JsonOption = False,
) -> None:
    """Deliver one event through the rule's targets now, and report each target's result.

    Without --event a built-in sample record is used. The event is delivered even when the rule's
    pattern does not match it (the report says whether it does), so targets can be tried out.
    """
    _, book = _load(data, as_json)
    try:
        rule = book.get(name)
    except KeyError:
        _fail(f"Rule {name} does not exist.", as_json)
    if event is None:
        record = sample_event(name)
    else:
        try:
            record = json.loads(event.read_text(encoding="utf-8"))
        except OSError as exc:
            _fail(f"cannot read {event}: {exc.strerror}", as_json)
        except json.JSONDecodeError as exc:
            _fail(f"{event} is not valid JSON: {exc.msg} at line {exc.lineno}", as_json)
        except RecursionError:
            _fail(f"{event} is nested too deeply to read", as_json)
        if not isinstance(record, dict):
            _fail(f"{event} must hold one JSON object (a CloudTrail record)", as_json)
    matched = rule.selects(record)
    alert = alert_for(rule.name, rule.description, record, rule.targets, {"test": True})
    results = [Deliverer().deliver(alert, target) for target in rule.targets]
    ok = all(r.ok for r in results)
    report = {
        "rule": rule.name,
        "matches": matched,
        "delivered": ok,
        "targets": [
            {"target": r.target, "ok": r.ok, "attempts": r.attempts, "error": r.error} for r in results
        ],
    }
    if wants_json(as_json):
        write_json(report)
    else:
        console.print(
            f"Rule [bold]{rule.name}[/]: the event {'matches' if matched else 'does [bold]not[/] match'} its pattern."
        )
        for r in results:
            state = "[green]delivered[/]" if r.ok else f"[red]failed[/] ({r.error})"
            console.print(f"  {r.target}: {state} after {r.attempts} attempt(s)")
    if not ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
