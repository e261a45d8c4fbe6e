"""End-to-end tests over HTTP; the `base_url` fixture lives in tests/conftest.py."""
