from django.urls import path

from quartiersnetz.events import feeds
from quartiersnetz.events.views import moderation, organiser
from quartiersnetz.events.views import public as views

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
    path("veranstaltungen/<int:pk>/melden/", moderation.report, name="report"),
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
    # Organisers
    path("meine-veranstaltungen/", organiser.mine, name="mine"),
    path("meine-veranstaltungen/neu/", organiser.create, name="create"),
    path("meine-veranstaltungen/<int:pk>/bearbeiten/", organiser.edit, name="edit"),
    path("meine-veranstaltungen/<int:pk>/vorschau/", organiser.preview, name="preview"),
    path("meine-veranstaltungen/<int:pk>/kopieren/", organiser.duplicate, name="duplicate"),
    path("meine-veranstaltungen/<int:pk>/einreichen/", organiser.submit, name="submit"),
    path("meine-veranstaltungen/<int:pk>/zurueckziehen/", organiser.withdraw, name="withdraw"),
    path("meine-veranstaltungen/<int:pk>/absagen/", organiser.cancel, name="cancel"),
    path("meine-veranstaltungen/<int:pk>/verschieben/", organiser.postpone, name="postpone"),
    path("meine-veranstaltungen/<int:pk>/loeschen/", organiser.delete, name="delete"),
    # Without an account (when the site settings allow it)
    path("veranstaltung-vorschlagen/", organiser.submit_anonymously, name="submit-anonymously"),
    path(
        "veranstaltung-vorschlagen/bestaetigen/<str:token>/",
        organiser.confirm_submission,
        name="confirm-submission",
    ),
    path(
        "veranstaltung-vorschlagen/keine-mails/<str:token>/",
        organiser.stop_submitter_mails,
        name="stop-submitter-mails",
    ),
    # Editors
    path("redaktion/", moderation.queue, name="review-queue"),
    path("redaktion/veranstaltungen/<int:pk>/", moderation.review, name="review"),
    path("redaktion/veranstaltungen/<int:pk>/freigeben/", moderation.approve, name="approve"),
    path("redaktion/veranstaltungen/<int:pk>/ablehnen/", moderation.reject, name="reject"),
    path(
        "redaktion/veranstaltungen/<int:pk>/aenderungen/",
        moderation.request_changes,
        name="request-changes",
    ),
    path(
        "redaktion/veranstaltungen/<int:pk>/depublizieren/",
        moderation.unpublish,
        name="unpublish",
    ),
    path(
        "redaktion/meldungen/<int:pk>/erledigt/", moderation.resolve_report, name="resolve-report"
    ),
]
