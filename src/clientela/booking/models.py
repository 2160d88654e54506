"""Booking: models."""
