"""shop-orders."""
