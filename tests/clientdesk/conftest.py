from tests.api.conftest import (  # noqa: F401
    _fresh_rate_windows,
    anonymous,
    api,
    base_url,
)
