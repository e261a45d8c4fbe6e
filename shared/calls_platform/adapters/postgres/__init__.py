"""Postgres (pg8000): the connection, and one repository per aggregate (users, calls, refresh tokens).

Nothing is imported here, so a function loads only the repositories it uses.
"""
