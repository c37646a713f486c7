"""Running the whole shop: databases, migrations, seed, the four service processes."""
