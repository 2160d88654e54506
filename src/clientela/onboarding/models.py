"""Onboarding: models."""
