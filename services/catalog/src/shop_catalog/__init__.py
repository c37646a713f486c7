"""shop-catalog: what is for sale."""
