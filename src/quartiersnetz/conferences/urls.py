"""Addresses of the conferences (German paths, English names)."""

from django.urls import path

from quartiersnetz.conferences.views import (
    actions,
    agenda,
    concerns,
    conferences,
    dashboard,
    meetings,
    minutes,
    polls,
    projects,
    signup,
)

app_name = "conferences"

MEETING = "konferenzen/<slug:slug>/sitzungen/<int:pk>/"

urlpatterns = [
    # Conferences and their members
    path("konferenzen/", conferences.conference_list, name="conferences"),
    path("konferenzen/neu/", conferences.conference_create, name="conference-create"),
    # Before the conference's address: "aufgaben" is not a conference (models.RESERVED_SLUGS).
    path("konferenzen/aufgaben/", actions.all_actions, name="all-actions"),
    path("konferenzen/<slug:slug>/", conferences.conference_detail, name="conference"),
    path(
        "konferenzen/<slug:slug>/bearbeiten/", conferences.conference_edit, name="conference-edit"
    ),
    path("konferenzen/<slug:slug>/mitglieder/", conferences.member_list, name="members"),
    path(
        "konferenzen/<slug:slug>/mitglieder/<int:pk>/",
        conferences.member_edit,
        name="member-edit",
    ),
    # Meetings
    path("konferenzen/<slug:slug>/sitzungen/neu/", meetings.meeting_create, name="meeting-create"),
    path(MEETING, meetings.meeting_detail, name="meeting"),
    path(f"{MEETING}bearbeiten/", meetings.meeting_edit, name="meeting-edit"),
    path(f"{MEETING}absagen/", meetings.meeting_cancel, name="meeting-cancel"),
    path(f"{MEETING}einladen/", meetings.meeting_invite, name="meeting-invite"),
    path(f"{MEETING}einladung.ics", meetings.meeting_ics, name="meeting-ics"),
    path(f"{MEETING}einladung.pdf", meetings.invitation_pdf, name="invitation-pdf"),
    # Agenda
    path(f"{MEETING}tagesordnung/", agenda.agenda_edit, name="agenda"),
    path(f"{MEETING}tagesordnung/<int:item>/", agenda.item_edit, name="agenda-item"),
    path(f"{MEETING}tagesordnung/<int:item>/verschieben/", agenda.item_move, name="agenda-move"),
    path(f"{MEETING}tagesordnung/<int:item>/loeschen/", agenda.item_delete, name="agenda-delete"),
    path(f"{MEETING}tagesordnung/<int:item>/anhang/", agenda.attachment_add, name="attachment-add"),
    path("konferenzen/anhang/<int:pk>/", agenda.attachment_download, name="attachment"),
    path(
        "konferenzen/anhang/<int:pk>/loeschen/",
        agenda.attachment_delete,
        name="attachment-delete",
    ),
    # Citizens' sign-up, invitations by mail, attendance
    path(f"{MEETING}anmelden/", signup.sign_up, name="sign-up"),
    path("konferenzen/anmeldung/<str:token>/", signup.registration, name="registration"),
    path(f"{MEETING}anmeldungen/", signup.registration_list, name="registrations"),
    path(f"{MEETING}anwesenheit/", signup.attendance, name="attendance"),
    path("konferenzen/<slug:slug>/einladungen/", signup.subscribe, name="subscribe"),
    path(
        "konferenzen/einladungen/<str:token>/",
        signup.subscription,
        name="subscription",
    ),
    path(
        "konferenzen/einladungen/<str:token>/abbestellen/",
        signup.unsubscribe,
        name="unsubscribe",
    ),
    # Minutes
    path(f"{MEETING}protokoll/", minutes.minutes_detail, name="minutes"),
    path(f"{MEETING}protokoll.pdf", minutes.minutes_pdf, name="minutes-pdf"),
    path(f"{MEETING}protokoll/bearbeiten/", minutes.minutes_edit, name="minutes-edit"),
    path(f"{MEETING}protokoll/kommentar/", minutes.minutes_comment, name="minutes-comment"),
    path(
        f"{MEETING}protokoll/<str:action>/",
        minutes.minutes_transition,
        name="minutes-transition",
    ),
    # Action items
    path("konferenzen/<slug:slug>/aufgaben/", actions.conference_actions, name="actions"),
    path("konferenzen/aufgaben/<int:pk>/", actions.action_edit, name="action-edit"),
    # Finding a date
    path("konferenzen/<slug:slug>/terminfindung/neu/", polls.poll_create, name="poll-create"),
    path("konferenzen/terminfindung/<int:pk>/", polls.poll_detail, name="poll"),
    path(
        "konferenzen/terminfindung/<int:pk>/antwort/<str:token>/",
        polls.poll_answer,
        name="poll-answer",
    ),
    path("konferenzen/terminfindung/<int:pk>/festlegen/", polls.poll_pick, name="poll-pick"),
    # The district developer's overview
    path("redaktion/konferenzen/", dashboard.dashboard, name="dashboard"),
    # What the neighbourhood needs ("wo der Schuh drückt")
    path("anliegen/", concerns.concern_list, name="concerns"),
    path("anliegen/neu/", concerns.concern_create, name="concern-create"),
    path("anliegen/stadtteil/<slug:slug>/", concerns.district_concerns, name="district-concerns"),
    path("anliegen/<int:pk>/", concerns.concern_detail, name="concern"),
    path("anliegen/<int:pk>/bearbeiten/", concerns.concern_triage, name="concern-triage"),
    path("anliegen/<int:pk>/folgen/", concerns.concern_follow, name="concern-follow"),
    path("anliegen/bestaetigen/<str:token>/", concerns.concern_confirm, name="concern-confirm"),
    path(
        "anliegen/folgen/<str:token>/",
        concerns.follow_confirm,
        name="concern-follow-confirm",
    ),
    path(
        "anliegen/folgen/<str:token>/abbestellen/",
        concerns.unfollow,
        name="concern-unfollow",
    ),
    # Cooperation projects
    path("projekte/", projects.project_list, name="projects"),
    path("projekte/neu/", projects.project_create, name="project-create"),
    path("projekte/<slug:slug>/", projects.project_detail, name="project"),
    path("projekte/<slug:slug>/bearbeiten/", projects.project_edit, name="project-edit"),
]
