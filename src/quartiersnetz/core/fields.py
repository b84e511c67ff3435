"""Model fields shared by the apps."""

from django.db import models


class URLField(models.URLField):
    """A URL field whose forms read a link without scheme as https (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
