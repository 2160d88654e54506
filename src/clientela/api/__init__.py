"""The REST API (`/api/v1/`): personal API tokens, one JSON error shape, and thin routers
that call the same services and selectors as the web UI."""
