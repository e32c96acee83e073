"""Which services an entity's permissions policies allow, and what the services are called.

AWS lists every service a policy allows; for a wildcard (`"Action": "*"`, `"s*:*"`, NotAction)
warden cannot know all of AWS's services, so it considers the services it serves itself plus
every service prefix named literally in the entity's policies. Only Allow statements count, and
only their actions (AWS: last accessed data applies permissions policy logic alone, ignoring
resources, conditions, boundaries and other policy types).
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLastAccessedDetails.html
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from warden.policy import Effect, PolicyError, PolicyKind, Statement, parse_policy
from warden.policy.wildcard import compile_pattern
from warden.protocol import load_service

__all__ = ["SERVED", "allowed_services", "service_name", "tracked_actions"]

# The services warden answers: every report considers them.
SERVED = ("cloudtrail", "iam", "sts")
# Service prefix -> service name, as the Service Authorization Reference titles them.
_NAMES = {
    "cloudtrail": "AWS CloudTrail",
    "cloudwatch": "Amazon CloudWatch",
    "dynamodb": "Amazon DynamoDB",
    "ec2": "Amazon EC2",
    "iam": "AWS Identity and Access Management",
    "kms": "AWS Key Management Service",
    "lambda": "AWS Lambda",
    "logs": "Amazon CloudWatch Logs",
    "organizations": "AWS Organizations",
    "s3": "Amazon S3",
    "secretsmanager": "AWS Secrets Manager",
    "sns": "Amazon SNS",
    "sqs": "Amazon SQS",
    "ssm": "AWS Systems Manager",
    "sts": "AWS Security Token Service",
}
# Services whose actions warden reports one by one (ACTION_LEVEL): IAM, which AWS tracks.
_TRACKED_MODELS = {"iam": "iam"}


def service_name(namespace: str) -> str:
    """The service's name; a prefix missing from the table is reported as itself."""
    return _NAMES.get(namespace, namespace)


@cache
def tracked_actions(namespace: str) -> tuple[str, ...]:
    """The actions reported one by one for `namespace` (empty when it is not tracked)."""
    model = _TRACKED_MODELS.get(namespace)
    return tuple(sorted(load_service(model).operation_names)) if model else ()


def _statements(documents: Iterable[str]) -> list[Statement]:
    found: list[Statement] = []
    for document in documents:
        try:
            policy = parse_policy(document, PolicyKind.IDENTITY, size_limit=None)
        except PolicyError:
            continue  # a stored document the engine cannot read grants nothing here
        found.extend(s for s in policy.statements if s.effect is Effect.ALLOW)
    return found


def _prefix(pattern: str) -> tuple[str, str]:
    service, _, action = pattern.partition(":")
    return service, action if pattern != "*" else "*"


def _allows_service(statement: Statement, namespace: str) -> bool:
    if statement.actions is not None:
        return any(
            compile_pattern(_prefix(p)[0] if p != "*" else "*", ignore_case=True)(namespace) for p in statement.actions
        )
    # NotAction: every service but those whose every action it names.
    for pattern in statement.not_actions or ():
        service, action = _prefix(pattern)
        if action == "*" and compile_pattern(service if pattern != "*" else "*", ignore_case=True)(namespace):
            return False
    return True


def _allows_action(statement: Statement, action: str) -> bool:
    if statement.actions is not None:
        return any(compile_pattern(p, ignore_case=True)(action) for p in statement.actions)
    return not any(compile_pattern(p, ignore_case=True)(action) for p in statement.not_actions or ())


def allowed_services(documents: Iterable[str]) -> tuple[list[str], Callable[[str], bool]]:
    """The service prefixes the documents allow, sorted by prefix as GetServiceLastAccessedDetails
    lists them ("By default, the list is sorted by service namespace"), and a test of whether
    they allow one action (`iam:GetUser`)."""
    statements = _statements(documents)
    candidates = set(SERVED)
    for statement in statements:
        for pattern in (statement.actions or ()) + (statement.not_actions or ()):
            service = _prefix(pattern)[0].lower()
            if pattern != "*" and service and "*" not in service and "?" not in service:
                candidates.add(service)
    allowed = [ns for ns in candidates if any(_allows_service(s, ns) for s in statements)]
    allowed.sort()

    def allows(action: str) -> bool:
        return any(_allows_action(s, action) for s in statements)

    return allowed, allows
