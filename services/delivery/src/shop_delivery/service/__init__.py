"""Use cases. They run inside the caller's transaction (a request or a message) and never commit."""
