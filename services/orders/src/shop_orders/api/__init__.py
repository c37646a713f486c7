"""HTTP: the app factory, storefront and admin APIs, HTML pages, schemas, error mapping."""
