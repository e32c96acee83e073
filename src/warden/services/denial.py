"""AccessDenied messages in AWS's words, built from the engine's per-policy-type outcomes.

AWS names the policy type that denied the request: "... with an explicit deny in an
identity-based policy" or "... because no identity-based policy allows the iam:GetUser action".
See https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html

STS does not add that reason when it refuses to let a principal into a role: an implicit denial of
sts:AssumeRole (or of the sts:TagSession and sts:SetSourceIdentity that come with it) reads only
"User: ARN is not authorized to perform: sts:AssumeRole on resource: ROLE-ARN", as AWS answers in
issues such as https://github.com/aws-actions/configure-aws-credentials/issues/1219 (2024) and
https://github.com/data-dot-all/dataall/pull/1873 (2025).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["denial_message"]

# The order AWS evaluates them in, so the first failing type is the one named.
_POLICY_TYPE_NAMES: tuple[tuple[str, str, str], ...] = (
    # (details key, explicit-deny phrase, implicit-deny phrase)
    ("scps", "a service control policy", "service control policy"),
    ("rcps", "a resource control policy", "resource control policy"),
    ("resource", "a resource-based policy", "resource-based policy"),
    ("identity", "an identity-based policy", "identity-based policy"),
    ("permissions_boundary", "a permissions boundary", "permissions boundary"),
    ("session", "a session policy", "session policy"),
)

# Role-assumption actions whose implicit denials AWS words without a reason.
_UNEXPLAINED_IMPLICIT = frozenset({"sts:assumerole", "sts:tagsession", "sts:setsourceidentity"})


def denial_message(
    principal_arn: str,
    action: str,
    resource: str,
    decision: str,
    details: Mapping[str, str | None],
) -> str:
    """The message of the AccessDenied error for a decision that is not `allowed`."""
    head = f"User: {principal_arn} is not authorized to perform: {action}"
    if resource and resource != "*":
        head += f" on resource: {resource}"
    if decision == "explicitDeny":
        for key, explicit, _ in _POLICY_TYPE_NAMES:
            if details.get(key) == "explicitDeny":
                return f"{head} with an explicit deny in {explicit}"
        return f"{head} with an explicit deny"
    if action.lower() in _UNEXPLAINED_IMPLICIT:
        return head
    for key, _, implicit in _POLICY_TYPE_NAMES:
        if key == "resource":
            continue  # a resource policy that does not allow is named only when nothing else allowed
        if details.get(key) == "implicitDeny":
            return f"{head} because no {implicit} allows the {action} action"
    if details.get("resource") == "implicitDeny":
        return f"{head} because no resource-based policy allows the {action} action"
    return f"{head} because no identity-based policy allows the {action} action"
