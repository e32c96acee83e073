"""Console sign-in for IAM users: account + user name + password (+ MFA code) -> temporary credentials.

https://docs.aws.amazon.com/IAM/latest/UserGuide/console_sign-in-tutorials.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html

Steps: find the account (id or alias) and the user's login profile; refuse while locked out;
verify the password (argon2); if the user has an enabled MFA device, require and verify a code;
if the password must be changed (PasswordResetRequired or older than MaxPasswordAge), require a
new one, unless HardExpiry leaves that to an administrator; then issue a session.

What a caller learns never depends on whether the account or user exists: unknown users, wrong
passwords and lockouts all give `Status.FAILED` (an argon2 verification is spent either way).
After LOCK_AFTER consecutive failures (wrong password or MFA code) the profile is locked for
1 s, doubling with each further failure up to LOCK_MAX; a success resets the count.

Every attempt returns a `SigninOutcome` with what an audit record (CloudTrail ConsoleLogin)
needs; this module records nothing itself.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from warden.auth.passwords import InvalidPasswordHash, PasswordMismatch
from warden.errors import PasswordPolicyViolation
from warden.model import LoginProfile, User
from warden.services.caller import Caller
from warden.services.iam.password_lifecycle import is_expired, is_hard_expired, new_password_hash
from warden.services.sessions import Session, issue_session
from warden.services.signin_mfa import MfaCodeRejected, verify_signin_code

if TYPE_CHECKING:
    from warden.services.environment import ServiceEnvironment
    from warden.store import Store, Transaction

__all__ = [
    "LOCK_AFTER",
    "LOCK_MAX",
    "SESSION_SECONDS",
    "SignIn",
    "SigninAttempt",
    "SigninOutcome",
    "Status",
    "lock_duration",
]

LOCK_AFTER = 5
LOCK_START = timedelta(seconds=1)
LOCK_MAX = timedelta(minutes=15)
SESSION_SECONDS = 12 * 3600
"""A console session lasts 12 hours, as in the AWS console."""


class Status(str, Enum):
    SUCCESS = "Success"
    FAILED = "Failed"  # unknown account or user, wrong password, or locked out
    MFA_REQUIRED = "MfaRequired"
    MFA_FAILED = "MfaFailed"
    PASSWORD_CHANGE_REQUIRED = "PasswordChangeRequired"
    NEW_PASSWORD_REJECTED = "NewPasswordRejected"
    PASSWORD_EXPIRED = "PasswordExpired"  # HardExpiry: an administrator must reset it


@dataclass(frozen=True, slots=True)
class SigninAttempt:
    account: str  # account id or alias
    user_name: str
    password: str
    mfa_code: str | None = None
    new_password: str | None = None
    source_ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class SigninOutcome:
    """What happened, for the answer and the audit trail. `reason` is for the audit record
    only (it says whether the user exists) and must never be shown to the person signing in."""

    status: Status
    reason: str
    account_id: str | None
    user_name: str
    user_arn: str | None
    mfa_used: bool
    source_ip: str
    user_agent: str
    at: datetime
    session: Session | None = None
    message: str | None = None  # a password-policy sentence for NEW_PASSWORD_REJECTED

    @property
    def succeeded(self) -> bool:
        return self.status is Status.SUCCESS


def lock_duration(failures: int) -> timedelta | None:
    """How long `failures` consecutive failures lock the profile; None below the threshold."""
    if failures < LOCK_AFTER:
        return None
    doubled: timedelta = LOCK_START * (2 ** min(failures - LOCK_AFTER, 20))
    return min(doubled, LOCK_MAX)


class SignIn:
    """Signs people in against one store; one instance per server."""

    def __init__(
        self, store: Store, env: ServiceEnvironment, *, session_seconds: int = SESSION_SECONDS
    ) -> None:
        self._store = store
        self._env = env
        self._session_seconds = session_seconds
        self._decoy: str | None = None

    def _decoy_hash(self) -> str:
        """A hash to verify against when there is no user, so timing does not tell."""
        if self._decoy is None:
            self._decoy = self._env.passwords.hash("warden decoy password, matches nothing")
        return self._decoy

    def __call__(self, attempt: SigninAttempt, now: datetime) -> SigninOutcome:
        with self._store.transaction() as tx:
            return _Attempt(self, tx, attempt, now).run()


class _Attempt:
    """One sign-in inside one transaction (failure counts commit with it)."""

    def __init__(self, service: SignIn, tx: Transaction, attempt: SigninAttempt, now: datetime) -> None:
        self.service, self.tx, self.attempt, self.now = service, tx, attempt, now
        self.env = service._env
        self.account_id: str | None = None
        self.user: User | None = None
        self.mfa_used = False

    def outcome(self, status: Status, reason: str, **extra: object) -> SigninOutcome:
        return SigninOutcome(
            status=status,
            reason=reason,
            account_id=self.account_id,
            user_name=self.attempt.user_name,
            user_arn=self.user.arn if self.user else None,
            mfa_used=self.mfa_used,
            source_ip=self.attempt.source_ip,
            user_agent=self.attempt.user_agent,
            at=self.now,
            **extra,  # type: ignore[arg-type]
        )

    def _find_account(self) -> str | None:
        key = self.attempt.account.strip()
        if len(key) == 12 and key.isdigit():
            return key if self.tx.get_account(key) is not None else None
        account = self.tx.get_account_by_alias(key.lower()) if key else None
        return account.account_id if account is not None else None

    def _unknown(self, reason: str) -> SigninOutcome:
        try:
            self.env.passwords.verify(self.service._decoy_hash(), self.attempt.password)
        except PasswordMismatch:
            pass
        return self.outcome(Status.FAILED, reason)

    def _fail(self, profile: LoginProfile, status: Status, reason: str) -> SigninOutcome:
        assert self.account_id is not None and self.user is not None
        failures = profile.failed_signins + 1
        lock = lock_duration(failures)
        self.tx.record_signin_result(
            self.account_id, self.user.name, failures, self.now + lock if lock else None
        )
        return self.outcome(status, reason)

    def run(self) -> SigninOutcome:
        self.account_id = self._find_account()
        if self.account_id is None:
            return self._unknown("no such account")
        self.user = self.tx.get_user(self.account_id, self.attempt.user_name)
        if self.user is None:
            return self._unknown("no such user")
        profile = self.tx.get_login_profile(self.account_id, self.user.name)
        if profile is None:
            return self._unknown("the user has no console password")
        if profile.locked_until is not None and self.now < profile.locked_until:
            self._unknown("locked")  # spend the same time as a real check
            return self.outcome(Status.FAILED, "locked after repeated failures")
        try:
            self.env.passwords.verify(profile.password_hash, self.attempt.password)
        except (PasswordMismatch, InvalidPasswordHash):
            return self._fail(profile, Status.FAILED, "wrong password")
        refused = self._check_mfa(profile)
        if refused is not None:
            return refused
        return self._check_age(profile)

    def _check_mfa(self, profile: LoginProfile) -> SigninOutcome | None:
        assert self.account_id is not None and self.user is not None
        devices = [
            d
            for d in self.tx.list_mfa_devices(self.account_id, self.user.name, max_items=1000).items
            if d.user_name
        ]
        if not devices:
            return None
        if not self.attempt.mfa_code:
            return self.outcome(Status.MFA_REQUIRED, "MFA code required")
        try:
            verify_signin_code(self.tx, self.env.secrets, devices, self.attempt.mfa_code, self.now)
        except MfaCodeRejected:
            return self._fail(profile, Status.MFA_FAILED, "wrong MFA code")
        self.mfa_used = True
        return None

    def _check_age(self, profile: LoginProfile) -> SigninOutcome:
        assert self.account_id is not None and self.user is not None
        policy = self.tx.get_password_policy(self.account_id)
        if is_hard_expired(profile, policy, self.now):
            return self.outcome(
                Status.PASSWORD_EXPIRED, "password expired; HardExpiry requires an administrator"
            )
        if profile.password_reset_required or is_expired(profile, policy, self.now):
            new_password = self.attempt.new_password
            if not new_password:
                return self.outcome(Status.PASSWORD_CHANGE_REQUIRED, "password change required")
            try:
                hashed = new_password_hash(
                    self.tx, self.env.passwords, self.account_id, self.user.name, new_password, self.now
                )
            except PasswordPolicyViolation as violation:
                return self.outcome(
                    Status.NEW_PASSWORD_REJECTED, "new password rejected", message=violation.message
                )
            profile = dataclasses.replace(
                profile, password_hash=hashed, password_set_date=self.now, password_reset_required=False
            )
            self.tx.update_login_profile(self.account_id, profile)
        return self._succeed(profile)

    def _succeed(self, profile: LoginProfile) -> SigninOutcome:
        assert self.account_id is not None and self.user is not None
        user = self.user
        if profile.failed_signins or profile.locked_until is not None:
            self.tx.record_signin_result(self.account_id, user.name, 0, None)
        if self.env.passwords.needs_rehash(profile.password_hash):
            rehashed = dataclasses.replace(
                profile, password_hash=self.env.passwords.hash(self.attempt.password)
            )
            self.tx.update_login_profile(self.account_id, rehashed)
        self.tx.record_password_use(user.user_id, self.now)
        caller = Caller.of_user(
            user, None, mfa_authenticated=self.mfa_used, mfa_authenticated_at=self.now if self.mfa_used else None
        )
        session = issue_session(
            caller,
            self.env.ids,
            self.env.tokens,
            now=self.now,
            duration_seconds=self.service._session_seconds,
        )
        return self.outcome(Status.SUCCESS, "signed in", session=session)
