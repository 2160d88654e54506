"""Clientela: a CRM that knows the difference between a client and a customer."""

__version__ = "0.1.0"
