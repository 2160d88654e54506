"""Check-ins: models."""
