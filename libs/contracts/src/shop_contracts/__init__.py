"""shop-contracts."""
