"""The IAM API (2010-05-08): every implemented operation's handler, by wire name.

An operation of IAM's model that is missing here is answered with `NotImplemented`, naming it.
"""

from __future__ import annotations

from warden.services.dispatch import Handler
from warden.services.iam import (
    access_keys,
    account_settings,
    authorization_report,
    change_password,
    credential_reports,
    groups,
    instance_profiles,
    login_profiles,
    mfa_devices,
    policies_attach,
    policies_inline,
    policies_managed,
    roles,
    service_last_accessed,
    service_linked_roles,
    simulator,
    tagging,
    users,
)

__all__ = ["HANDLERS"]

_MODULES = (
    users,
    groups,
    access_keys,
    login_profiles,
    change_password,
    mfa_devices,
    tagging,
    roles,
    instance_profiles,
    service_linked_roles,
    policies_inline,
    policies_managed,
    policies_attach,
    account_settings,
    simulator,
    credential_reports,
    authorization_report,
    service_last_accessed,
)


def _merge() -> dict[str, Handler]:
    merged: dict[str, Handler] = {}
    for module in _MODULES:
        for name, handler in module.HANDLERS.items():
            if name in merged:
                raise RuntimeError(f"IAM operation {name} has two handlers")
            merged[name] = handler
    return merged


HANDLERS: dict[str, Handler] = _merge()
