"""Use cases: one function per thing a user can do. They talk to adapters only through `ports`."""
