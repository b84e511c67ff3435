"""Small helpers shared by the test modules."""

import html

from django.utils import translation
from django.utils.translation import gettext, pgettext


def german(message, /, context=None, **params):
    """The text a German page shows, whether or not the catalogue has it yet."""
    with translation.override("de"):
        text = pgettext(context, message) if context else gettext(message)
    return text % params if params else text


def page(response):
    """The response's HTML with entities decoded, for looking for text."""
    return html.unescape(response.content.decode())
