"""HTTP: the app factory, pages, webhooks and the admin API."""
