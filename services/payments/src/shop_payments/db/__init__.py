"""Tables and repositories: the only package that imports SQLAlchemy."""
