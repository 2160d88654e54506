"""Client desk: models."""
