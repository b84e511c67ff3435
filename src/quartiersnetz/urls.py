"""URL configuration of Quartiersnetz."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from quartiersnetz.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("oparl/v1/", include("quartiersnetz.api.urls")),
    path("", include("quartiersnetz.organizations.urls")),
    path("", include("quartiersnetz.accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("", include("quartiersnetz.core.urls")),
    path("", include("quartiersnetz.coordination.urls")),
    path("", include("quartiersnetz.conferences.urls")),
    path("", include("quartiersnetz.events.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "quartiersnetz.core.views.bad_request"
handler404 = "quartiersnetz.core.views.page_not_found"
