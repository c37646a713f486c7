"""Running the whole shop: databases, migrations, seed, the five service processes."""
