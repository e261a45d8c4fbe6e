"""Plain domain objects: no AWS, HTTP, SQL driver or Twilio code is imported here."""
