"""Adapters to systems outside Slack (httpx): the upstream order system, the helpdesk webhook."""
