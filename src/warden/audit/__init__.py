"""The audit trail: CloudTrail-shaped events of every call (see DESIGN.md)."""
