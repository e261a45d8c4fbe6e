"""The calls platform: domain, use cases and adapters, deployed as the shared Lambda layer."""
