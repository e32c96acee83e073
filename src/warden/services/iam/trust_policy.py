"""Role trust policies at the API edge: AWS's checks on the way in, AWS's encoding on the way out.

IAM returns every policy document URL-encoded inside the XML (botocore un-quotes it and loads the
JSON), so the handler hands the protocol layer the quoted text.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
"""

from __future__ import annotations

import re
from urllib.parse import quote

from warden.errors import MalformedPolicyDocument
from warden.policy import PolicyKind
from warden.policy.ast import Policy
from warden.policy.wildcard import compile_pattern
from warden.services.call import Call
from warden.services.iam.policy_text import checked_policy

__all__ = ["encode_policy_document", "validate_trust_policy"]

# The actions a role's trust policy may grant: assuming the role, and what the caller may set on
# the session while doing so.
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
_TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
)
_NON_STS_ACTION = "AssumeRole policy may only specify STS AssumeRole actions."

# A principal naming a user or role of the caller's own account: IAM checks that it exists.
_LOCAL_PRINCIPAL = re.compile(
    r"arn:[a-z0-9-]+:iam::(?P<account>[0-9]{12}):(?P<kind>user|role)/(?:.*/)?(?P<name>[^/]+)"
)


def encode_policy_document(document: str) -> str:
    """The document as IAM writes it in responses: percent-encoded, every reserved octet quoted."""
    return quote(document, safe="")


def validate_trust_policy(call: Call, document: str) -> Policy:
    """Parse `document` as a trust policy; raise AWS's MalformedPolicyDocument (or LimitExceeded
    for the ACLSizePerRole quota) exactly where IAM would refuse it."""
    policy = checked_policy(document, PolicyKind.TRUST, size_limit="default")
    _check_actions(policy)
    _check_local_principals(call, policy)
    return policy


def _check_actions(policy: Policy) -> None:
    """IAM refuses a trust policy whose Action names anything but the STS actions that assume a
    role or shape its session: "AssumeRole policy may only specify STS AssumeRole actions." (AWS's
    answer to a trust policy listing the misspelt sts:TagSessions, hashicorp/terraform-provider-aws#32872).
    A wildcard passes when it covers at least one of those actions."""
    for statement in policy.statements:
        for action in statement.actions or ():
            matches = compile_pattern(action, ignore_case=True)
            if not any(matches(allowed) for allowed in _TRUST_ACTIONS):
                raise MalformedPolicyDocument(_NON_STS_ACTION)


def _check_local_principals(call: Call, policy: Policy) -> None:
    """IAM resolves ARNs of its own account's users and roles when the trust policy is saved and
    refuses one that does not exist (it would otherwise store a unique id later)."""
    for statement in policy.statements:
        for spec in (statement.principal, statement.not_principal):
            if spec is None or spec.wildcard:
                continue
            for value in spec.values("AWS"):
                match = _LOCAL_PRINCIPAL.fullmatch(value)
                if match is None or match["account"] != call.account_id:
                    continue
                if match["kind"] == "user":
                    found = call.tx.get_user(call.account_id, match["name"]) is not None
                else:
                    found = call.tx.get_role(call.account_id, match["name"]) is not None
                if not found:
                    raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{value}"')
