"""shop-notifications."""
