"""The long-lived parts a handler may use, built once per server (or per test)."""

from __future__ import annotations

from dataclasses import dataclass, field

from warden.auth.authorization_messages import authorization_message_keyring_for
from warden.auth.passwords import PasswordHasher
from warden.auth.secretbox import MasterKey, SecretBox
from warden.auth.token_keys import token_keyring_for
from warden.auth.tokens import TokenKeyring
from warden.ids import IdGenerator
from warden.services.access_report_jobs import AccessReportJobs
from warden.services.authorize import Authorizer

__all__ = ["ServiceEnvironment"]


@dataclass(frozen=True, slots=True)
class ServiceEnvironment:
    partition: str
    authorizer: Authorizer
    ids: IdGenerator
    secrets: SecretBox
    passwords: PasswordHasher
    mock: bool = False
    # Seals and opens STS session tokens; derived from the master key in a server.
    tokens: TokenKeyring = field(default_factory=lambda: token_keyring_for(MasterKey.generate()))
    # Seals and opens encoded authorization messages; derived from the master key in a server.
    authorization_messages: TokenKeyring = field(
        default_factory=lambda: authorization_message_keyring_for(MasterKey.generate())
    )
    # Service last accessed reports by job id; node-local (see access_report_jobs).
    access_reports: AccessReportJobs = field(default_factory=AccessReportJobs)
