import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _settings_for_tests(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.SITE_URL = "https://quartiersnetz.example"
    settings.LANGUAGE_CODE = "de"
    # Tests create many accounts; the production hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
