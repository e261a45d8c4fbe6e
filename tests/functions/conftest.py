"""Each endpoint through its own Chalice app (chalice.test.Client); fixtures live in tests/conftest.py."""
