"""The `warden` console entry point.

Each command group lives in its own module and is attached here, so new
groups (`serve`, `account`, ...) are one `register` line each.
"""

from __future__ import annotations

import sys

import typer

from warden.auth import MasterKeyError
from warden.config import ConfigurationError
from warden.store import StoreUnavailable

from . import account, alerts, audit, authorize, keys, policy, roles, run, serve
from .output import error_console

__all__ = ["app", "main"]

app = typer.Typer(
    name="warden",
    help="An identity and access management service that speaks AWS IAM.",
    no_args_is_help=True,
    add_completion=False,
)
authorize.register(app)
policy.register(app)
serve.register(app)
account.register(app)
audit.register(app)
keys.register(app)
alerts.register(app)
run.register(app)
roles.register(app)


def main() -> None:
    """Console script `warden` (see pyproject.toml).

    A store that cannot be opened (an unsupported URL, a database that does not answer), a
    master key that cannot be loaded or a setting that cannot be used is the user's to fix, so
    it gets one line and exit code 2, not a traceback."""
    try:
        app()
    except (StoreUnavailable, MasterKeyError, ConfigurationError) as error:
        error_console.print(f"warden: {error}", markup=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
