"""Persistence: a narrow transactional interface (`Store`, `Transaction`) and its SQL backend.

Never imports `warden.services` or `warden.server`; errors are the store's own
(`warden.store.errors`) and the services layer maps them to AWS wire errors."""

from __future__ import annotations

from warden.store.errors import (
    AlreadyExists,
    ConflictDeleting,
    Dependent,
    InvalidMarker,
    NotFound,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)
from warden.store.interface import Store, Transaction
from warden.store.pagination import DEFAULT_MAX_ITEMS, Page
from warden.store.sqlalchemy import open_store

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "AlreadyExists",
    "ConflictDeleting",
    "Dependent",
    "InvalidMarker",
    "NotFound",
    "Page",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreUnavailable",
    "Transaction",
    "open_store",
]
