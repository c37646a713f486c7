"""Card processors: Stripe (official SDK) and the built-in sandbox."""
