"""Infrastructure every service shares: settings, database, security, HTTP errors, logging."""
