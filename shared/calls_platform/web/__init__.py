"""What the Lambda entry points share: request parsing, JSON responses, and the error contract."""
