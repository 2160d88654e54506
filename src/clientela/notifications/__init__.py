"""In-app and email notifications, sent by the worker: idempotent per key, retried, exactly
once even with several workers.
"""
