"""shop-payments."""
