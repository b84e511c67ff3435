from django.urls import path

from quartiersnetz.events import feeds, views

app_name = "events"

urlpatterns = [
    path("", views.home, name="home"),
    path("kalender/", views.agenda, name="agenda"),
    path("kalender/monat/", views.month, name="month"),
    path("kalender/woche/", views.week, name="week"),
    path("kalender/woche/druck/", views.week_print, name="week-print"),
    path("kalender.ics", feeds.calendar_ics, name="calendar-ics"),
    path("kalender/rss/", feeds.UpcomingRssFeed(), name="rss"),
    path("kalender/atom/", feeds.UpcomingAtomFeed(), name="atom"),
    path("veranstaltungen/<int:pk>/", views.event_detail, name="event"),
    path("veranstaltungen/<int:pk>/kalender.ics", feeds.event_ics, name="event-ics"),
    path("stadtteile/", views.district_list, name="districts"),
    path("stadtteile/<slug:slug>/", views.district, name="district"),
    path("stadtteile/<slug:slug>/kalender.ics", feeds.district_ics, name="district-ics"),
    path("organisationen/", views.organization_list, name="organizations"),
    path("organisationen/<slug:slug>/", views.organization, name="organization"),
    path(
        "organisationen/<slug:slug>/kalender.ics",
        feeds.organization_ics,
        name="organization-ics",
    ),
]
