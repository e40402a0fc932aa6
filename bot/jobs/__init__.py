"""Scheduled jobs by feature: the clock's entry points, translating into service calls and posts."""
