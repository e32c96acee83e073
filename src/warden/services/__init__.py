"""Business logic per AWS service; every operation authorizes through the policy engine."""
