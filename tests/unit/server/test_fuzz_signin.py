"""`POST /signin` under hostile bodies: the one endpoint anyone can reach without a signature.

Whatever the body (not JSON, nested past any parser's depth, fields of the wrong type, too long,
holding NULs or lone surrogates), the answer is one of the documented JSON answers
(server/signin_http.py), never a 500, and every well-formed attempt is one ConsoleLogin event
in the audit trail while a malformed body is none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fuzz_client import ACCOUNT_ID, BACKENDS, FuzzServer, Keys, Payload, fuzz_settings, served  # type: ignore[import-not-found]
from fuzz_values import ODD_STRINGS  # type: ignore[import-not-found]
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from warden.store.sqlalchemy import schema as s

FUZZ = fuzz_settings(150)
USER = "fuzz-signer"
PASSWORD = "Correct-Horse-9-battery!"
ALIAS = "fuzz-alias"
_FIELDS = ("account", "username", "password", "mfa_code", "new_password")
# What a 401 may say (signin_http.py), and the errors a 400 may name.
_WHAT_401_SAYS = ("error", "mfa_required", "password_change_required", "password_expired")
_400_ERRORS = ("InvalidRequest", "PasswordPolicyViolation")


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    with served(request, tmp_path_factory) as (server, root):
        for params in (
            {"Action": "CreateUser", "UserName": USER},
            {"Action": "CreateLoginProfile", "UserName": USER, "Password": PASSWORD},
            {"Action": "CreateAccountAlias", "AccountAlias": ALIAS},
        ):
            _iam(server, root, params)
        yield server


def _iam(server: FuzzServer, keys: Keys, params: dict[str, str]) -> None:
    body = urlencode({**params, "Version": "2010-05-08"}).encode()
    answer = server.signed(keys, "iam", body, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    assert answer.status == 200, answer


_values = st.one_of(
    st.sampled_from((ACCOUNT_ID, ALIAS, USER, PASSWORD, "123456", "Another-Horse-8-battery!")),
    st.sampled_from(ODD_STRINGS),
    st.text(max_size=40),
    st.text(min_size=1020, max_size=1030),  # around the 1,024-character limit of a field
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
_objects = st.dictionaries(st.sampled_from((*_FIELDS, "other")), _values, max_size=6)
_bodies = st.one_of(
    _objects.map(lambda value: json.dumps(value).encode()),  # lone surrogates travel as \\ud800
    st.binary(max_size=200),
    st.sampled_from(
        (b"", b"null", b"[]", b'"text"', b"[" * 100_000 + b"]" * 100_000, b'{"account": "\xff\xfe"}', b"{" * 10)
    ),
).map(Payload)


def _console_logins(server: FuzzServer) -> int:
    server.runtime.audit.flush()
    with server.runtime.store._engine.connect() as conn:  # type: ignore[attr-defined]
        return int(
            conn.execute(select(func.count()).where(s.audit_events.c.event_name == "ConsoleLogin")).scalar_one()
        )


@FUZZ
@given(body=_bodies, user_agent=st.sampled_from(("", "fuzz", *ODD_STRINGS)))
def test_no_body_gets_a_500(server: FuzzServer, body: Payload, user_agent: str) -> None:
    before = _console_logins(server)
    server.errors.records.clear()
    headers = [("host", "warden.test"), ("content-type", "application/json"), ("user-agent", user_agent)]
    answer = server.send("POST", body.data, headers, path="/signin")
    assert not server.errors.records, server.errors.describe()
    assert answer.status in (200, 400, 401), answer
    assert answer.headers.get("content-type") == "application/json", answer
    document: Any = json.loads(answer.body)
    assert isinstance(document, dict), answer
    if answer.status == 200:
        assert set(document["credentials"]) == {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
    elif answer.status == 401:
        assert any(key in document for key in _WHAT_401_SAYS), answer
    else:
        assert document.get("error") in _400_ERRORS, answer
    malformed = answer.status == 400 and document["error"] == "InvalidRequest"
    assert _console_logins(server) == before + (0 if malformed else 1)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # past the JSON parser's depth: was a 500
        json.dumps({"account": ACCOUNT_ID, "username": USER, "password": "pass\ud800word"}).encode(),  # was a 500
        json.dumps({"account": "fuzz\u0000alias", "username": USER, "password": PASSWORD}).encode(),
        json.dumps({"account": ACCOUNT_ID, "username": "fuzz\udcffsigner", "password": PASSWORD}).encode(),
    ],
    ids=["deep-nesting", "lone-surrogate-password", "nul-account", "lone-surrogate-user"],
)
def test_bodies_that_are_not_text_are_malformed(server: FuzzServer, body: bytes) -> None:
    before = _console_logins(server)
    answer = server.send("POST", body, [("host", "warden.test"), ("content-type", "application/json")], path="/signin")
    assert answer.status == 400, answer
    assert json.loads(answer.body)["error"] == "InvalidRequest"
    assert _console_logins(server) == before


def test_a_body_over_the_limit_gets_the_json_413(server: FuzzServer) -> None:
    """Sign-in always answers in its own JSON form, never the IAM endpoint's XML."""
    before = _console_logins(server)
    body = b'{"account": "' + b"a" * (1024 * 1024) + b'"}'
    answer = server.send("POST", body, [("host", "warden.test"), ("content-type", "application/json")], path="/signin")
    assert answer.status == 413 and answer.headers.get("content-type") == "application/json", answer
    assert json.loads(answer.body)["error"] == "RequestEntityTooLarge"
    assert _console_logins(server) == before
