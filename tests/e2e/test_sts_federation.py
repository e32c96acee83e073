"""GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage end to end with boto3.

https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html
https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from live_server import LiveServer

ACCOUNT = "111122223333"
HEADER = "x-warden-encoded-authorization-message"


def _clients(server: LiveServer, credentials: dict[str, Any]) -> tuple[Any, Any]:
    def make(service: str) -> Any:
        return boto3.client(service, endpoint_url=server.endpoint, region_name="us-east-1",
                            aws_access_key_id=credentials["AccessKeyId"],
                            aws_secret_access_key=credentials["SecretAccessKey"],
                            aws_session_token=credentials["SessionToken"])
    return make("iam"), make("sts")


def _allow(*actions: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}


def test_federated_user_session(server: LiveServer, new_user: Any) -> None:
    _, _, sts = new_user(_allow("sts:GetFederationToken", "iam:*"))
    name = f"fed-{uuid.uuid4().hex[:6]}"
    answer = sts.get_federation_token(Name=name, Policy=json.dumps(_allow("iam:GetUser")), DurationSeconds=900)
    arn = f"arn:aws:sts::{ACCOUNT}:federated-user/{name}"
    assert answer["FederatedUser"] == {"FederatedUserId": f"{ACCOUNT}:{name}", "Arn": arn}
    assert answer["PackedPolicySize"] >= 1
    iam, fed_sts = _clients(server, answer["Credentials"])
    identity = fed_sts.get_caller_identity()
    assert (identity["UserId"], identity["Account"], identity["Arn"]) == (f"{ACCOUNT}:{name}", ACCOUNT, arn)
    with pytest.raises(ClientError) as caught:
        iam.list_users()  # federated users cannot call IAM
    assert caught.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(ClientError) as caught:
        fed_sts.get_federation_token(Name="again")
    assert caught.value.response["Error"]["Message"] == "Cannot call GetFederationToken with session credentials"


def test_get_access_key_info(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, _, sts = new_user(_allow("sts:GetAccessKeyInfo", "sts:GetFederationToken"))
    assert sts.get_access_key_info(AccessKeyId=server.root_keys()[0])["Account"] == ACCOUNT
    second = root_iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    root_iam.update_access_key(UserName=name, AccessKeyId=second, Status="Inactive")
    assert sts.get_access_key_info(AccessKeyId=second)["Account"] == ACCOUNT  # whatever its status
    session = sts.get_federation_token(Name="keyinfo")["Credentials"]["AccessKeyId"]
    assert session.startswith("ASIA")
    assert sts.get_access_key_info(AccessKeyId=session)["Account"] == ACCOUNT
    assert sts.get_access_key_info(AccessKeyId="AKIAIOSFODNN7EXAMPLE")["Account"] == "581039954779"


def test_decode_authorization_message_round_trip(server: LiveServer, root_iam: Any, new_user: Any) -> None:
    name, iam, _ = new_user()
    with pytest.raises(ClientError) as caught:
        iam.get_user(UserName=name)
    error = caught.value.response
    assert error["Error"]["Message"].endswith("because no identity-based policy allows the iam:GetUser action")
    encoded = error["ResponseMetadata"]["HTTPHeaders"][HEADER]
    root_sts = server.client("sts", *server.root_keys())
    decoded = json.loads(root_sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["allowed"] is False and decoded["explicitDeny"] is False
    assert decoded["context"]["action"] == "iam:GetUser"
    assert decoded["context"]["principal"]["arn"] == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    assert decoded["context"]["resource"] == f"arn:aws:iam::{ACCOUNT}:user/{name}"
    tampered = encoded[:10] + ("A" if encoded[10] != "A" else "B") + encoded[11:]
    with pytest.raises(ClientError) as caught:
        root_sts.decode_authorization_message(EncodedMessage=tampered)
    assert caught.value.response["Error"]["Code"] == "InvalidAuthorizationMessageException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
