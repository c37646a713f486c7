"""shop-media."""
