"""CSV import of orders: streaming read, column mapping, validation and upsert."""
