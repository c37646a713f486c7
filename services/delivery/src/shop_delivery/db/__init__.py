"""Tables and repositories: the only place that imports SQLAlchemy."""
