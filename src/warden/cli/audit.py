"""`warden audit`: search, follow, export, seal and verify the audit trail of a data folder."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from warden.audit import DigestSigner
from warden.audit.search import AuditFilter, export_by_day, follow, format_line, latest_seq, search
from warden.model import StoredAuditEvent
from warden.store import Store

__all__ = ["register"]

audit_app = typer.Typer(help="Search, follow, export and verify the audit trail.", no_args_is_help=True)

DataOption = Annotated[Path, typer.Option("--data", help="The server's data folder.")]
UrlOption = Annotated[str | None, typer.Option("--database-url", help="The store, if not DIR/warden.db.")]
_DURATION = re.compile(r"(\d+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@contextmanager
def _store(data: Path, database_url: str | None) -> Iterator[Store]:
    from warden.config import Settings
    from warden.store import open_store

    settings = Settings.from_environment(data_dir=data, database_url=database_url)
    store = open_store(settings.effective_database_url, settings.database_pool_size)
    try:
        yield store
    finally:
        store.close()


def _moment(text: str | None, option: str) -> datetime | None:
    """An ISO-8601 time, or a duration back from now (`15m`, `2h`, `7d`)."""
    if text is None:
        return None
    matched = _DURATION.fullmatch(text.strip())
    if matched:
        return datetime.now(UTC) - timedelta(**{_UNITS[matched[2]]: int(matched[1])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("an ISO-8601 time or a duration such as 15m, 2h, 7d", param_hint=option) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filter(
    account: str | None,
    event_name: str | None,
    username: str | None,
    event_source: str | None,
    resource_name: str | None,
    resource_type: str | None,
    access_key_id: str | None,
    read_only: bool | None,
    errors: bool,
    since: str | None,
    until: str | None,
) -> AuditFilter:
    attributes = [
        (key, value)
        for key, value in (
            ("EventName", event_name),
            ("Username", username),
            ("EventSource", event_source),
            ("ResourceName", resource_name),
            ("ResourceType", resource_type),
            ("AccessKeyId", access_key_id),
            ("ReadOnly", None if read_only is None else str(read_only).lower()),
        )
        if value is not None
    ]
    return AuditFilter(
        account_id=account,
        attributes=tuple(attributes),
        errors_only=errors,
        start=_moment(since, "--since"),
        end=_moment(until, "--until"),
    )


def _emit(items: list[StoredAuditEvent], as_json: bool) -> None:
    for item in items:
        typer.echo(item.event.record if as_json else format_line(item))


AccountOpt = Annotated[str | None, typer.Option("--account", help="Only this account's events.")]
NameOpt = Annotated[str | None, typer.Option("--event-name")]
UserOpt = Annotated[str | None, typer.Option("--username", help="User name, 'root', or role session name.")]
SourceOpt = Annotated[str | None, typer.Option("--event-source", help="e.g. iam.amazonaws.com")]
ResNameOpt = Annotated[str | None, typer.Option("--resource-name")]
ResTypeOpt = Annotated[str | None, typer.Option("--resource-type", help="e.g. AWS::IAM::User")]
KeyOpt = Annotated[str | None, typer.Option("--access-key-id")]
ReadOnlyOpt = Annotated[bool | None, typer.Option("--read-only/--writes", help="Only reads, or only changes.")]
ErrorsOpt = Annotated[bool, typer.Option("--errors", help="Only failed or denied calls.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="ISO-8601 time or duration (15m, 2h, 7d).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="ISO-8601 time or duration.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="One CloudTrail JSON record per line.")]


@audit_app.command("search")
def search_command(
    data: DataOption = Path(".warden"),
    database_url: UrlOption = None,
    account: AccountOpt = None,
    event_name: NameOpt = None,
    username: UserOpt = None,
    event_source: SourceOpt = None,
    resource_name: ResNameOpt = None,
    resource_type: ResTypeOpt = None,
    access_key_id: KeyOpt = None,
    read_only: ReadOnlyOpt = None,
    errors: ErrorsOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 50,
    as_json: JsonOpt = False,
) -> None:
    """Matching events, newest first."""
    wanted = _filter(account, event_name, username, event_source, resource_name, resource_type,
                     access_key_id, read_only, errors, since, until)
    with _store(data, database_url) as store:
        _emit(search(store, wanted, limit), as_json)


@audit_app.command("tail")
def tail_command(
    data: DataOption = Path(".warden"),
    database_url: UrlOption = None,
    account: AccountOpt = None,
    event_name: NameOpt = None,
    username: UserOpt = None,
    event_source: SourceOpt = None,
    resource_name: ResNameOpt = None,
    resource_type: ResTypeOpt = None,
    access_key_id: KeyOpt = None,
    read_only: ReadOnlyOpt = None,
    errors: ErrorsOpt = False,
    lines: Annotated[int, typer.Option("--lines", "-n", min=0, help="Events to show first.")] = 10,
    follow_new: Annotated[bool, typer.Option("--follow/--no-follow", "-f", help="Keep printing new events.")] = True,
    interval: Annotated[float, typer.Option("--interval", min=0.05, help="Seconds between polls.")] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """The latest events (oldest first), then new ones as they are recorded."""
    wanted = _filter(account, event_name, username, event_source, resource_name, resource_type,
                     access_key_id, read_only, errors, None, None)
    with _store(data, database_url) as store:
        high = latest_seq(store)
        _emit(list(reversed(search(store, wanted, lines))) if lines else [], as_json)
        while follow_new:
            time.sleep(interval)
            found, high = follow(store, wanted, high)
            _emit(found, as_json)


@audit_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for warden-audit-YYYY-MM-DD.jsonl files.")],
    data: DataOption = Path(".warden"),
    database_url: UrlOption = None,
    account: AccountOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """Write the trail to JSON Lines files, one per day (UTC)."""
    wanted = _filter(account, None, None, None, None, None, None, None, False, since, until)
    with _store(data, database_url) as store:
        counts = export_by_day(store, wanted, out)
    for day, count in sorted(counts.items()):
        typer.echo(f"{out / f'warden-audit-{day}.jsonl'}  {count} events")


def _signer(data: Path) -> DigestSigner:
    """The server's digest key. Never a new one: a key made up here would fail every digest
    (verify) or sign with a key the server does not hold (seal)."""
    from warden.auth.secretbox import KEY_FILE_NAME, MASTER_KEY_ENV, MasterKey

    env = dict(os.environ)
    if not env.get(MASTER_KEY_ENV) and not (data / KEY_FILE_NAME).exists():
        typer.echo(f"No master key: set {MASTER_KEY_ENV} or point --data at the server's data folder.", err=True)
        raise typer.Exit(2)
    return DigestSigner(MasterKey.load(data, env), previous=MasterKey.load_previous(env))


@audit_app.command("seal")
def seal_command(data: DataOption = Path(".warden"), database_url: UrlOption = None) -> None:
    """Seal every event not yet sealed into a signed digest now (the server does it every minute)."""
    from warden.audit import seal_pending

    with _store(data, database_url) as store:
        sealed = seal_pending(store, _signer(data), datetime.now(UTC))
    typer.echo(f"sealed {sealed} events")


@audit_app.command("verify")
def verify_command(
    data: DataOption = Path(".warden"), database_url: UrlOption = None, as_json: JsonOpt = False
) -> None:
    """Prove the trail complete and unmodified; exit 1 naming the first event or digest that was
    changed, removed, inserted or reordered."""
    from warden.audit import verify_trail

    with _store(data, database_url) as store:
        result = verify_trail(store, _signer(data))
    if as_json:
        typer.echo(json.dumps({
            "ok": result.ok, "digests": result.digests, "events": result.events, "unsealed": result.unsealed,
            "findings": [
                {"kind": f.kind, "digest": f.digest_seq, "event": f.event_seq, "eventId": f.event_id, "detail": f.detail}
                for f in result.findings
            ],
        }))
    elif result.ok:
        typer.echo(f"OK: {result.digests} digests and {result.events} sealed events verified; "
                   f"{result.unsealed} newer events not yet sealed.")
    else:
        first = result.findings[0]
        where = f"event {first.event_seq} ({first.event_id})" if first.event_seq is not None else f"digest {first.digest_seq}"
        typer.echo(f"FAILED: {where}: {first.kind}: {first.detail}", err=True)
        for other in result.findings[1:]:
            typer.echo(f"  also: {other.kind} at event {other.event_seq} / digest {other.digest_seq}: {other.detail}", err=True)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
