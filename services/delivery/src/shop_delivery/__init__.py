"""shop-delivery."""
