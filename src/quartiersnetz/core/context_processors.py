"""Template context every page needs: the town and the demo notice."""

from django.conf import settings

from quartiersnetz.core.models import SiteSettings


def site(request):
    return {
        "town_name": settings.TOWN_NAME,
        "site_settings": SiteSettings.load(),
    }
