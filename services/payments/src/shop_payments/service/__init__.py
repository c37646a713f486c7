"""Use cases. They never commit: the request or the consumed message owns the transaction."""
