"""shop-testkit."""
