"""The ingest API under /api/: HTTP translation at the edge; the rules are in services."""
