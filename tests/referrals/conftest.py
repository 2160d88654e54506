from tests.api.conftest import anonymous, api, base_url  # noqa: F401
