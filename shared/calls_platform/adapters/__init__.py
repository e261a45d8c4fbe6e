"""Adapters: the real implementations of the use cases' ports (Postgres, DynamoDB, Secrets Manager, VoIP...)."""
