"""Use cases. They run inside a transaction the caller owns and never commit."""
