"""The agenda of a meeting: items and sub-items with their numbers, moving and deleting
them, attachments (type, content and size checked, stored privately, served with the
permission checked) and who may do what."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiersnetz.conferences.domain import agenda
from quartiersnetz.conferences.models import AgendaItem, Attachment
from quartiersnetz.core.activity import history
from tests.conferences.meeting_helpers import ROLES, client_as, people
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    DistrictFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
DOCX = b"PK\x03\x04\x14\x00\x06\x00word/document.xml"
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


@pytest.fixture
def holthausen():
    district = DistrictFactory(name="Holthausen", slug="holthausen")
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", districts=[district])


@pytest.fixture
def roles(holthausen):
    return people(holthausen)


@pytest.fixture
def moderator(roles):
    return roles["moderator"]


@pytest.fixture
def meeting(holthausen):
    return MeetingFactory(conference=holthausen, title="Frühjahrssitzung")


def meeting_url(name, meeting, **kwargs):
    return reverse(
        f"conferences:{name}",
        kwargs={"slug": meeting.conference.slug, "pk": meeting.pk, **kwargs},
    )


def item_data(**changes):
    data = {
        "title": "Spielplatz Bruchfeld",
        "parent": "",
        "description": "Bericht der **hwg**.",
        "presenter": "Frau Yilmaz",
        "duration_minutes": "20",
        "is_public": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def labels(meeting, public_only=False):
    return [(entry.number, entry.title) for entry in agenda.numbered_items(meeting, public_only)]


# --- Items and numbers -----------------------------------------------------------------


def test_moderator_builds_an_agenda_with_sub_items(client, meeting, moderator):
    client_as(client, moderator)
    client.post(meeting_url("agenda", meeting), item_data(title="Begrüßung"))
    client.post(meeting_url("agenda", meeting), item_data(title="Berichte"))
    reports = AgendaItem.objects.get(title="Berichte")
    response = client.post(
        meeting_url("agenda", meeting), item_data(title="Bericht der Schule", parent=reports.pk)
    )
    client.post(meeting_url("agenda", meeting), item_data(title="Verschiedenes"))

    assert response.status_code == 302
    assert labels(meeting) == [
        ("1", "Begrüßung"),
        ("2", "Berichte"),
        ("2.1", "Bericht der Schule"),
        ("3", "Verschiedenes"),
    ]
    item = AgendaItem.objects.get(title="Begrüßung")
    assert item.presenter == "Frau Yilmaz"
    assert item.duration_minutes == 20
    text = page(client.get(meeting_url("agenda", meeting)))
    assert german("Item %(number)s", "agenda item number", number="2.1") in text
    assert history(meeting).first().action == "agenda item added"


def test_a_sub_item_needs_a_main_item_of_the_same_agenda(client, meeting, moderator, holthausen):
    main = AgendaItemFactory(meeting=meeting, title="Berichte")
    sub = AgendaItemFactory(meeting=meeting, parent=main, title="Schule")
    foreign = AgendaItemFactory(meeting=MeetingFactory(conference=holthausen), title="Fremd")
    client_as(client, moderator)

    for parent in (sub, foreign):
        response = client.post(
            meeting_url("agenda", meeting), item_data(title="Unterpunkt", parent=parent.pk)
        )
        assert response.status_code == 400
        assert german("Choose a main item of this agenda.") in page(response)
    assert not AgendaItem.objects.filter(title="Unterpunkt").exists()
    with pytest.raises(ValidationError):
        agenda.add_item(meeting, {"title": "Unterpunkt", "parent": sub}, moderator)


def test_an_item_with_sub_items_cannot_become_a_sub_item(meeting, moderator):
    first = AgendaItemFactory(meeting=meeting, position=1)
    second = AgendaItemFactory(meeting=meeting, position=2)
    AgendaItemFactory(meeting=meeting, parent=second, position=1)

    with pytest.raises(ValidationError):
        agenda.update_item(second, {"parent": first}, moderator)


def test_an_item_moves_under_another_and_the_rest_closes_up(client, meeting, moderator):
    for position, title in enumerate(["Begrüßung", "Berichte", "Schule", "Verschiedenes"], 1):
        AgendaItemFactory(meeting=meeting, position=position, title=title)
    reports = AgendaItem.objects.get(title="Berichte")
    school = AgendaItem.objects.get(title="Schule")

    response = client_as(client, moderator).post(
        meeting_url("agenda-item", meeting, item=school.pk),
        item_data(title="Bericht der Schule", parent=reports.pk),
    )

    assert response.status_code == 302
    assert labels(meeting) == [
        ("1", "Begrüßung"),
        ("2", "Berichte"),
        ("2.1", "Bericht der Schule"),
        ("3", "Verschiedenes"),
    ]
    assert list(
        AgendaItem.objects.filter(meeting=meeting, parent=None).values_list("position", flat=True)
    ) == [1, 2, 3]


def test_moving_items_up_and_down_renumbers_them(client, meeting, moderator):
    items = [
        AgendaItemFactory(meeting=meeting, position=position, title=title)
        for position, title in enumerate(["A", "B", "C"], 1)
    ]
    client_as(client, moderator)

    client.post(meeting_url("agenda-move", meeting, item=items[2].pk), {"direction": "up"})
    assert labels(meeting) == [("1", "A"), ("2", "C"), ("3", "B")]
    client.post(meeting_url("agenda-move", meeting, item=items[0].pk), {"direction": "down"})
    assert labels(meeting) == [("1", "C"), ("2", "A"), ("3", "B")]

    response = client.post(
        meeting_url("agenda-move", meeting, item=items[2].pk), {"direction": "up"}, follow=True
    )
    assert german("This item is already the first one.") in page(response)
    assert labels(meeting) == [("1", "C"), ("2", "A"), ("3", "B")]
    assert client.get(meeting_url("agenda-move", meeting, item=items[0].pk)).status_code == 405


def test_sub_items_move_among_themselves(meeting, moderator):
    main = AgendaItemFactory(meeting=meeting, position=1, title="Berichte")
    school = AgendaItemFactory(meeting=meeting, parent=main, position=1, title="Schule")
    AgendaItemFactory(meeting=meeting, parent=main, position=2, title="Kita")
    AgendaItemFactory(meeting=meeting, position=2, title="Verschiedenes")

    agenda.move_item(school, "down", moderator)

    assert labels(meeting) == [
        ("1", "Berichte"),
        ("1.1", "Kita"),
        ("1.2", "Schule"),
        ("2", "Verschiedenes"),
    ]


def test_deleting_an_item_takes_its_sub_items_and_files(client, meeting, moderator, settings):
    AgendaItemFactory(meeting=meeting, position=1, title="Begrüßung")
    reports = AgendaItemFactory(meeting=meeting, position=2, title="Berichte")
    school = AgendaItemFactory(meeting=meeting, parent=reports, position=1, title="Schule")
    AgendaItemFactory(meeting=meeting, position=3, title="Verschiedenes")
    attachment = agenda.add_attachment(
        school, SimpleUploadedFile("bericht.pdf", PDF), "Bericht", moderator
    )
    path = settings.PRIVATE_MEDIA_ROOT / attachment.file.name
    assert path.exists()
    client_as(client, moderator)

    confirm = client.get(meeting_url("agenda-delete", meeting, item=reports.pk))
    assert german("Delete the item") in page(confirm)
    response = client.post(meeting_url("agenda-delete", meeting, item=reports.pk))

    assert response.status_code == 302
    assert labels(meeting) == [("1", "Begrüßung"), ("2", "Verschiedenes")]
    assert not Attachment.objects.exists()


def test_deleted_files_leave_the_disk_after_the_commit(
    meeting, moderator, settings, django_capture_on_commit_callbacks
):
    item = AgendaItemFactory(meeting=meeting)
    attachment = agenda.add_attachment(item, SimpleUploadedFile("b.pdf", PDF), "", moderator)
    path = settings.PRIVATE_MEDIA_ROOT / attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        agenda.delete_item(item, moderator)

    assert not path.exists()


@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_the_agenda(client, meeting, roles, role):
    item = AgendaItemFactory(meeting=meeting)
    client_as(client, roles[role])

    page_status = client.get(meeting_url("agenda", meeting)).status_code
    add_status = client.post(meeting_url("agenda", meeting), item_data(title="Neu")).status_code
    move_status = client.post(
        meeting_url("agenda-move", meeting, item=item.pk), {"direction": "down"}
    ).status_code
    delete_status = client.post(meeting_url("agenda-delete", meeting, item=item.pk)).status_code

    if role == "anonymous":
        assert {page_status, add_status, move_status, delete_status} == {302}
    elif role in ("citizen", "member", "other_member"):
        assert {page_status, add_status, move_status, delete_status} == {403}
    else:
        assert page_status == 200
        assert add_status == 302
    managers = role in ("moderator", "coordinator", "editor")
    assert AgendaItem.objects.filter(title="Neu").exists() == managers
    assert AgendaItem.objects.filter(pk=item.pk).exists() == (not managers)


def test_the_agenda_of_a_members_only_meeting_is_unknown_to_others(client, holthausen, roles):
    meeting = MeetingFactory(conference=holthausen, is_public=False)

    response = client_as(client, roles["other_member"]).get(meeting_url("agenda", meeting))

    assert response.status_code == 404


def test_a_public_item_under_an_internal_item_stays_internal(meeting):
    internal = AgendaItemFactory(meeting=meeting, position=1, title="Personalien", is_public=False)
    AgendaItemFactory(meeting=meeting, parent=internal, position=1, title="Nachfolge")
    AgendaItemFactory(meeting=meeting, position=2, title="Spielplatz")

    assert labels(meeting, public_only=True) == [("2", "Spielplatz")]
    members = agenda.numbered_items(meeting)
    assert [entry.internal for entry in members] == [True, True, False]


# --- Attachments -----------------------------------------------------------------------


def upload(client, meeting, item, name, content, title=""):
    return client.post(
        meeting_url("attachment-add", meeting, item=item.pk),
        {"file": SimpleUploadedFile(name, content), "title": title},
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Protokoll.pdf", PDF, "application/pdf"),
        (
            "Plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Liste.xls", DOC, "application/vnd.ms-excel"),
        ("Folien.odp", DOCX, "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_pdf_and_office_files_are_attached_under_a_random_name(
    client, meeting, moderator, settings, name, content, content_type
):
    item = AgendaItemFactory(meeting=meeting, title="Spielplatz")

    response = upload(client_as(client, moderator), meeting, item, name, content)

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == content_type
    assert attachment.size == len(content)
    assert attachment.title == name.rsplit(".", 1)[0]
    assert attachment.uploaded_by == moderator
    stored = settings.PRIVATE_MEDIA_ROOT / attachment.file.name
    assert stored.read_bytes() == content
    assert name.rsplit(".", 1)[0] not in attachment.file.name
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tool.exe", b"MZ\x90\x00"),
        ("seite.html", b"<script>alert(1)</script>"),
        ("bericht.pdf.js", b"alert(1)"),
        ("bericht.php", PDF),
        ("bericht", PDF),
    ],
)
def test_other_file_types_are_refused(client, meeting, moderator, name, content):
    item = AgendaItemFactory(meeting=meeting)

    response = upload(client_as(client, moderator), meeting, item, name, content)

    assert response.status_code == 400
    assert german(
        "Only PDF and office files can be attached (%(types)s).",
        types=", ".join(sorted(agenda.ATTACHMENT_TYPES)),
    ) in page(response)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("bericht.pdf", b"<html>kein PDF</html>"), ("plan.docx", PDF), ("liste.xls", DOCX)],
)
def test_a_file_whose_content_does_not_match_its_name_is_refused(
    client, meeting, moderator, name, content
):
    item = AgendaItemFactory(meeting=meeting)

    response = upload(client_as(client, moderator), meeting, item, name, content)

    assert response.status_code == 400
    extension = name.rsplit(".", 1)[1].upper()
    assert german(
        "The file is not a real %(type)s file (its content does not match its name). "
        "Save it again as %(type)s or as PDF.",
        type=extension,
    ) in page(response)
    assert not Attachment.objects.exists()


def test_a_file_larger_than_the_limit_is_refused_with_the_limit(
    client, meeting, moderator, settings
):
    settings.CONFERENCES_MAX_ATTACHMENT_BYTES = 1024
    item = AgendaItemFactory(meeting=meeting)

    response = upload(client_as(client, moderator), meeting, item, "gross.pdf", PDF + b"0" * 2000)

    assert response.status_code == 400
    text = page(response)
    assert "1,0\xa0KB" in text or "1.0\xa0KB" in text
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_a_public_items_file_is_for_everyone_an_internal_ones_for_members(
    client, meeting, roles, role, moderator
):
    public = AgendaItemFactory(meeting=meeting, title="Spielplatz")
    internal = AgendaItemFactory(meeting=meeting, title="Personalien", is_public=False)
    plan = agenda.add_attachment(public, SimpleUploadedFile("p.pdf", PDF), "Lageplan", moderator)
    secret = agenda.add_attachment(
        internal, SimpleUploadedFile("s.pdf", PDF), "Bewerbungen", moderator
    )
    client_as(client, roles[role])

    response = client.get(reverse("conferences:attachment", kwargs={"pk": plan.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Lageplan.pdf"'
    assert b"".join(response.streaming_content) == PDF

    response = client.get(reverse("conferences:attachment", kwargs={"pk": secret.pk}))
    response.close()
    members = role in ("member", "moderator", "coordinator", "editor")
    assert response.status_code == (200 if members else 404)


def test_the_files_of_a_members_only_meeting_are_for_members(client, holthausen, roles, moderator):
    meeting = MeetingFactory(conference=holthausen, is_public=False)
    item = AgendaItemFactory(meeting=meeting)
    attachment = agenda.add_attachment(item, SimpleUploadedFile("a.pdf", PDF), "", moderator)
    address = reverse("conferences:attachment", kwargs={"pk": attachment.pk})

    assert client.get(address).status_code == 404
    assert client_as(client, roles["other_member"]).get(address).status_code == 404
    response = client_as(client, roles["member"]).get(address)
    response.close()
    assert response.status_code == 200


def test_the_meeting_page_lists_the_files_a_person_may_open(client, meeting, roles, moderator):
    public = AgendaItemFactory(meeting=meeting, title="Spielplatz")
    internal = AgendaItemFactory(meeting=meeting, title="Personalien", is_public=False)
    agenda.add_attachment(public, SimpleUploadedFile("p.pdf", PDF), "Lageplan", moderator)
    agenda.add_attachment(internal, SimpleUploadedFile("s.pdf", PDF), "Bewerbungen", moderator)

    citizen = page(client.get(meeting.get_absolute_url()))
    member = page(client_as(client, roles["member"]).get(meeting.get_absolute_url()))

    assert "Lageplan" in citizen
    assert "Bewerbungen" not in citizen
    assert "Bewerbungen" in member


@pytest.mark.parametrize("role", ["citizen", "member", "other_member"])
def test_only_managers_delete_files(client, meeting, roles, role, moderator):
    item = AgendaItemFactory(meeting=meeting)
    attachment = agenda.add_attachment(item, SimpleUploadedFile("a.pdf", PDF), "", moderator)
    address = reverse("conferences:attachment-delete", kwargs={"pk": attachment.pk})

    assert client_as(client, roles[role]).post(address).status_code == 403
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert client_as(client, moderator).post(address).status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


def test_only_managers_attach_files(client, meeting, roles):
    item = AgendaItemFactory(meeting=meeting)

    response = upload(client_as(client, roles["member"]), meeting, item, "a.pdf", PDF)

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_the_agenda_of_a_cancelled_meeting_is_not_changed(meeting, moderator):
    item = AgendaItemFactory(meeting=meeting)
    meeting.state = "cancelled"
    meeting.save()

    with pytest.raises(ValidationError):
        agenda.add_item(meeting, {"title": "Neu"}, moderator)
    with pytest.raises(ValidationError):
        agenda.add_attachment(item, SimpleUploadedFile("a.pdf", PDF), "", moderator)


def test_the_meeting_page_reads_the_agenda_in_the_same_queries_however_long(
    client, holthausen, moderator
):
    def meeting_with(count):
        meeting = MeetingFactory(conference=holthausen)
        for position in range(1, count + 1):
            item = AgendaItemFactory(meeting=meeting, position=position)
            AgendaItemFactory(meeting=meeting, parent=item, position=1)
            agenda.add_attachment(item, SimpleUploadedFile("a.pdf", PDF), "", moderator)
        return meeting

    one, three = meeting_with(1), meeting_with(3)
    client.get(one.get_absolute_url())  # warm up (sessions, content types)

    counts = []
    for meeting in (one, three):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(meeting.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_item_page_lists_its_files_with_their_delete_links(client, meeting, moderator):
    item = AgendaItemFactory(meeting=meeting, title="Spielplatz")
    attachment = agenda.add_attachment(
        item, SimpleUploadedFile("p.pdf", PDF), "Lageplan", moderator
    )
    client_as(client, moderator)

    text = page(client.get(meeting_url("agenda-item", meeting, item=item.pk)))
    assert "Lageplan" in text
    delete = reverse("conferences:attachment-delete", kwargs={"pk": attachment.pk})
    assert delete in text
    assert german("Delete the file") in page(client.get(delete))


def test_the_first_item_offers_no_move_up_and_the_last_no_move_down(client):
    meeting = MeetingFactory()
    first, second = AgendaItemFactory(meeting=meeting), AgendaItemFactory(meeting=meeting)
    child = AgendaItemFactory(meeting=meeting, parent=first)
    client.force_login(UserFactory(is_moderator=True))

    text = client.get(
        reverse("conferences:agenda", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk})
    ).content.decode()

    def moves(item):
        action = reverse(
            "conferences:agenda-move",
            kwargs={"slug": meeting.conference.slug, "pk": meeting.pk, "item": item.pk},
        )
        return re.findall(rf'action="{action}">.*?name="direction" value="(\w+)"', text)

    assert moves(first) == ["down"]
    assert moves(second) == ["up"]
    # The only sub-item cannot move among its siblings at all.
    assert moves(child) == []
