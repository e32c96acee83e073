"""The loopback credentials endpoint: the per-run token guards it, botocore's container
provider reads it, and the child environment hides the runner's credentials.

https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from botocore.credentials import ContainerProvider

from warden.workload import CredentialsEndpoint, CredentialVendor, TemporaryCredentials, child_environment

ROLE = "arn:aws:iam::111122223333:role/app"


def _vendor() -> CredentialVendor:
    now = datetime.now(UTC)
    held = TemporaryCredentials("ASIAEXAMPLE", "secret", "token", now + timedelta(hours=1), now, ROLE)
    return CredentialVendor(lambda: held, lambda: datetime.now(UTC))


def test_token_is_required_and_compared_exactly() -> None:
    with CredentialsEndpoint(_vendor(), token="right-token") as endpoint:
        assert endpoint.uri.startswith("http://127.0.0.1:")
        assert httpx.get(endpoint.uri).status_code == 401
        assert httpx.get(endpoint.uri, headers={"Authorization": "right-tokex"}).status_code == 403
        assert httpx.get(endpoint.uri, headers={"Authorization": "right-token-and-more"}).status_code == 403
        assert httpx.get(endpoint.uri + "x", headers={"Authorization": "right-token"}).status_code == 404
        answer = httpx.get(endpoint.uri, headers={"Authorization": "right-token"})
        assert answer.status_code == 200 and answer.json()["AccessKeyId"] == "ASIAEXAMPLE"


def test_tokens_are_random_per_endpoint() -> None:
    with CredentialsEndpoint(_vendor()) as one, CredentialsEndpoint(_vendor()) as two:
        assert one.token != two.token and len(one.token) >= 32


def test_botocore_container_provider_reads_the_endpoint() -> None:
    with CredentialsEndpoint(_vendor()) as endpoint:
        env = child_environment({}, uri=endpoint.uri, token=endpoint.token, region=None, endpoint_url=None)
        credentials = ContainerProvider(environ=env).load()
        assert credentials is not None
        frozen = credentials.get_frozen_credentials()
        assert (frozen.access_key, frozen.secret_key, frozen.token) == ("ASIAEXAMPLE", "secret", "token")


def test_child_environment_drops_the_runners_credentials() -> None:
    parent = {
        "PATH": "/bin", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
        "AWS_PROFILE": "dev", "AWS_SHARED_CREDENTIALS_FILE": "/home/me/.aws/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/tmp/other", "AWS_WEB_IDENTITY_TOKEN_FILE": "/tmp/jwt",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:8080",
    }
    env = child_environment(parent, uri="http://127.0.0.1:1/v1/credentials", token="tok", region="eu-west-1",
                            endpoint_url="http://127.0.0.1:8080")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        assert name not in env
    assert env["AWS_SHARED_CREDENTIALS_FILE"] != "/home/me/.aws/credentials"
    assert env["PATH"] == "/bin" and env["AWS_REGION"] == "eu-west-1"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:8080"
    assert env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] == "tok"
