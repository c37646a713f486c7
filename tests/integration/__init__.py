"""End-to-end tests: the four services as processes (see conftest.py)."""
