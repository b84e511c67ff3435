import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _settings_for_tests(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://quartiersnetz.example"
    settings.LANGUAGE_CODE = "de"
    cache.clear()
