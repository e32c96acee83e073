"""Writing operations whose expensive step runs with no transaction open.

Hashing a console password with argon2id costs about 0.1 s of CPU. Done inside a write
transaction it holds SQLite's database-wide write lock (on PostgreSQL, the account's lock) for
that long, and a burst of such calls stalls every other writer. A staged operation splits its
handler into three functions:

- `prepare(call, params)`: authorizes, validates and reads what the expensive step needs. It
  must be cheap, and it must authorize (as any handler must) before anything expensive runs.
- `compute(services, prepared)`: the expensive step, with no transaction open. It may refuse
  the call (raise an AwsError); it must not touch the store.
- `write(call, prepared, computed)`: the change.

`dispatch` runs `prepare` in a read-only transaction, `compute` outside any, then `prepare`
again and `write` in the write transaction. `prepared` is a value compared with `==` and
holds everything `compute` read: when the write transaction prepares an equal value, what was
computed still holds; when the state changed in between, dispatch starts over. Only the
handlers tables of the password operations hold staged operations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from warden.errors import ServiceFailure
from warden.services.call import Call, Services

__all__ = ["Staged", "insist_authorized"]

P = TypeVar("P")
R = TypeVar("R")


def insist_authorized(call: Call, operation: str) -> None:
    """Fail closed: a handler that skipped authorization must not answer, nor spend CPU."""
    if call.authorized_action is None:
        raise ServiceFailure(f"{operation} was not authorized")


@dataclass(frozen=True, slots=True)
class Staged(Generic[P, R]):
    name: str
    prepare: Callable[[Call, dict[str, Any]], P]
    compute: Callable[[Services, P], R]
    write: Callable[[Call, P, R], Mapping[str, Any] | None]

    def __call__(self, call: Call, params: dict[str, Any]) -> Mapping[str, Any] | None:
        """All three steps in the caller's transaction: what dispatch falls back to when the
        state keeps changing under the staged run."""
        prepared = self.prepare(call, params)
        insist_authorized(call, self.name)
        return self.write(call, prepared, self.compute(call.services, prepared))
