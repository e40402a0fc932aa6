"""Slack listeners by feature: each group translates Slack requests into service calls."""
