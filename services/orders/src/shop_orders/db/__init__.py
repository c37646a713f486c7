"""PostgreSQL storage: tables and repositories (the only SQLAlchemy importer besides migrations)."""
