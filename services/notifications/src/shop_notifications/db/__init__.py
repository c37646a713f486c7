"""SQLAlchemy tables and repositories: the only modules that speak SQL."""
