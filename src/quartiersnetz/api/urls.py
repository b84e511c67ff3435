"""Addresses of the OParl 1.1 read API (under /oparl/v1/)."""

from django.urls import path

from quartiersnetz.api.oparl import views

app_name = "oparl"

urlpatterns = [
    path("", views.system, name="system"),
    path("body/", views.body_list, name="body-list"),
    path("body/<slug:slug>/", views.body, name="body"),
    path("organization/", views.organization_list, name="organization-list"),
    path("organization/<slug:kind>/<int:pk>/", views.organization, name="organization"),
    path(
        "organization/<slug:kind>/<int:pk>/meeting/",
        views.organization_meetings,
        name="organization-meetings",
    ),
    path("person/", views.person_list, name="person-list"),
    path("person/<int:pk>/", views.person, name="person"),
    path("membership/", views.membership_list, name="membership-list"),
    path("membership/<int:pk>/", views.membership, name="membership"),
    path("meeting/", views.meeting_list, name="meeting-list"),
    path("meeting/<int:pk>/", views.meeting, name="meeting"),
    path("agendaitem/", views.agendaitem_list, name="agendaitem-list"),
    path("agendaitem/<int:pk>/", views.agendaitem, name="agendaitem"),
    path("file/", views.file_list, name="file-list"),
    path("file/<slug:kind>/<int:pk>/", views.file, name="file"),
    path("location/", views.location_list, name="location-list"),
    path("location/<int:pk>/", views.location, name="location"),
    path("paper/", views.empty_list, name="paper-list"),
    path("consultation/", views.empty_list, name="consultation-list"),
    path("legislativeterm/", views.empty_list, name="legislativeterm-list"),
    # Anything else under the API is a JSON 404 (with CORS), not the site's HTML page.
    path("<path:rest>", views.not_found, name="not-found"),
]
