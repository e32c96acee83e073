"""The IAM API (2010-05-08)."""
