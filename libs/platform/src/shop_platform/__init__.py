"""shop-platform."""
