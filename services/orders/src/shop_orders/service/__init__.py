"""Use cases. Each takes the repositories of one transaction and never commits."""
