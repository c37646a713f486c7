"""shop-messaging."""
