"""Size quotas and IAM's character set, enforced by parse_policy with AWS's messages."""

from __future__ import annotations

import json

import pytest

from warden.policy import limits
from warden.policy.ast import PolicyKind
from warden.policy.errors import MalformedPolicyDocument
from warden.policy.parser import parse_policy

QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"


def sized(kind: PolicyKind, characters: int, *, pad: str = "") -> str:
    """A valid document of `kind` whose non-whitespace size is exactly `characters` (plus `pad`)."""
    statement: dict[str, object] = {"Effect": "Deny", "Action": "s3:GetObject"}
    if kind is PolicyKind.TRUST:
        statement["Principal"] = {"AWS": "111122223333"}
    else:
        statement["Resource"] = "arn:aws:s3:::"
    base = json.dumps({"Statement": statement}, separators=(",", ":"))
    filler = characters - len(base)
    assert filler >= 0
    key = "Resource" if kind is not PolicyKind.TRUST else "Principal"
    if kind is PolicyKind.TRUST:
        statement["Sid"] = "S" * (filler - len(',"Sid":""'))
    else:
        statement[key] = "arn:aws:s3:::" + "x" * filler
    text = json.dumps({"Statement": statement}, separators=(",", ":"))
    assert len(text) == characters
    return text.replace(",", "," + pad)


@pytest.mark.parametrize(
    ("kind", "maximum", "message"),
    [
        (PolicyKind.IDENTITY, 6144, "Cannot exceed quota for PolicySize: 6144"),
        (PolicyKind.PERMISSIONS_BOUNDARY, 6144, "Cannot exceed quota for PolicySize: 6144"),
        (PolicyKind.TRUST, 2048, "Cannot exceed quota for ACLSizePerRole: 2048"),
    ],
)
def test_iam_quotas_exclude_whitespace(kind: PolicyKind, maximum: int, message: str) -> None:
    """IAM quotas (white space not counted): https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    parse_policy(sized(kind, maximum, pad="   \n\t"), kind)
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_policy(sized(kind, maximum + 1), kind)
    assert caught.value.message == message


@pytest.mark.parametrize("kind", [PolicyKind.SCP, PolicyKind.SESSION])
def test_quotas_that_count_whitespace(kind: PolicyKind) -> None:
    """SCP size: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"""
    quota = limits.limit_for(kind)
    assert quota is not None and quota.counts_whitespace
    parse_policy(sized(kind, quota.maximum), kind)
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_policy(sized(kind, quota.maximum - 10, pad=" " * 10), kind)  # 2 commas: +20
    assert caught.value.message == quota.message


def test_inline_quotas_are_selectable() -> None:
    """Inline policy quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    assert (limits.INLINE_USER.maximum, limits.INLINE_GROUP.maximum, limits.INLINE_ROLE.maximum) == (
        2048,
        5120,
        10240,
    )
    text = sized(PolicyKind.IDENTITY, 3000)
    parse_policy(text, PolicyKind.IDENTITY)
    parse_policy(text, PolicyKind.IDENTITY, size_limit=limits.INLINE_ROLE)
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_policy(text, PolicyKind.IDENTITY, size_limit=limits.INLINE_USER)
    assert caught.value.message == "Maximum policy size of 2048 bytes exceeded for user"


def test_mapping_input_is_measured_compactly() -> None:
    document = json.loads(sized(PolicyKind.IDENTITY, 6145))
    with pytest.raises(MalformedPolicyDocument, match="PolicySize: 6144"):
        parse_policy(document, PolicyKind.IDENTITY)


def test_hard_cap_applies_without_a_quota() -> None:
    huge = '{"Statement": ' + " " * limits.MAX_DOCUMENT_CHARACTERS + "}"
    with pytest.raises(MalformedPolicyDocument):
        parse_policy(huge, PolicyKind.RESOURCE)
    resource = sized(PolicyKind.IDENTITY, 30_000).replace('"Effect"', '"Principal":"*","Effect"')
    assert parse_policy(resource, PolicyKind.RESOURCE).statements


def test_iam_character_set() -> None:
    """Allowed characters: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    text = '{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/\u00e9\u0100"}}'
    with pytest.raises(MalformedPolicyDocument) as caught:
        parse_policy(text, PolicyKind.IDENTITY)
    assert caught.value.message == limits.IAM_CHARACTER_MESSAGE
    scp = parse_policy(text, PolicyKind.SCP)  # Organizations accepts any text
    assert scp.statements[0].resources == ("arn:aws:s3:::b/\u00e9\u0100",)
    assert parse_policy(text.replace("\u0100", ""), PolicyKind.IDENTITY).statements
