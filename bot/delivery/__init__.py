"""Outbound Slack messages shared by listeners and jobs: order threads, alerts, digests."""
