"""Running the stack locally: embedded Postgres, moto server as AWS, a local API Gateway, seeding."""
