"""VoIP providers: `mock` for development and tests, `twilio` for real calls. Imported only when dialling."""
