"""Adapters to the outside world over httpx (helpdesk webhook, upstream order system)."""
