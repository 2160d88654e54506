"""Performance reviews: models."""
