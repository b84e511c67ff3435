"""Cooperation projects: the public list with its filters, a project's page (only what the
public may see), creating and editing a project, who may do it, the umbrella round's
projects."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from quartiersnetz.conferences.domain import projects as domain
from quartiersnetz.conferences.models import Concern, Project
from quartiersnetz.core.activity import history
from quartiersnetz.events.models import Status, Visibility
from tests.conferences.meeting_helpers import ROLES, ahead, client_as, people
from tests.factories import (
    ConferenceFactory,
    ConferenceMembershipFactory,
    DistrictFactory,
    EventFactory,
    MeetingFactory,
    OrganizationFactory,
    ProjectFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def winz_baak():
    return DistrictFactory(name="Winz-Baak", slug="winz-baak")


@pytest.fixture
def mitte():
    return DistrictFactory(name="Mitte", slug="mitte")


@pytest.fixture
def conference(winz_baak):
    return ConferenceFactory(name="Stadtteilkonferenz Winz-Baak", districts=[winz_baak])


@pytest.fixture
def hwg():
    return OrganizationFactory(name="hwg eG", slug="hwg")


@pytest.fixture
def project(conference, winz_baak, mitte, hwg):
    return ProjectFactory(
        title="Ruhrufer für alle",
        slug="ruhrufer",
        description="Bänke und **Wege** am Fluss. <script>alert(1)</script>",
        start_date=ahead(-60).date(),
        districts=[winz_baak, mitte],
        conferences=[conference],
        partners=[hwg],
    )


def concern(district, status, title):
    return Concern.objects.create(
        district=district, title=title, description="Am Leinpfad.", topic="green", status=status
    )


def valid_data(conference, **changes):
    data = {
        "title": "Nachbarschaftsbänke",
        "slug": "nachbarschaftsbaenke",
        "status": "planned",
        "start_date": "01.03.2027",
        "end_date": "31.10.2027",
        "description": "Bänke vor den Häusern.",
        "conferences": [conference.pk],
    }
    data.update(changes)
    return data


# The public list


def test_the_list_shows_projects_with_status_districts_and_partners(client, project):
    ProjectFactory(title="Repair-Café-Netzwerk", status="completed")

    text = page(client.get(reverse("conferences:projects")))

    assert "Ruhrufer für alle" in text
    assert german("Running") in text
    assert "Winz-Baak" in text
    assert "Mitte" in text
    assert "hwg eG" in text
    # Running projects before completed ones.
    assert text.index("Ruhrufer für alle") < text.index("Repair-Café-Netzwerk")


def test_the_list_filters_by_status_and_district_without_javascript(client, project, mitte):
    welper = DistrictFactory(name="Welper", slug="welper")
    ProjectFactory(title="Ferienspaß", status="planned", districts=[welper])
    ProjectFactory(title="Repair-Café-Netzwerk", status="completed", districts=[mitte])
    url = reverse("conferences:projects")

    by_status = page(client.get(url, {"status": "planned"}))
    by_district = page(client.get(url, {"district": "mitte"}))
    both = page(client.get(url, {"status": "running", "district": "mitte"}))
    unknown = client.get(url, {"status": "verloren", "district": "nirgendwo"})

    assert "Ferienspaß" in by_status
    assert "Ruhrufer" not in by_status
    assert "Repair-Café" in by_district
    assert "Ruhrufer" in by_district
    assert "Ferienspaß" not in by_district
    assert "Ruhrufer" in both
    assert "Repair-Café" not in both
    # Unknown values filter nothing instead of failing.
    assert unknown.status_code == 200
    assert all(title in page(unknown) for title in ("Ferienspaß", "Ruhrufer", "Repair-Café"))
    assert '<form method="get"' in by_status


# A project's page


def test_the_page_shows_the_project_and_only_what_the_public_may_see(
    client, project, conference, winz_baak, hwg
):
    published = EventFactory(title="Uferputz", start=ahead(10), organizers=[hwg])
    draft = EventFactory(title="Geheimer Entwurf", start=ahead(11), status=Status.DRAFT)
    internal = EventFactory(
        title="Internes Treffen", start=ahead(12), visibility=Visibility.INTERNAL
    )
    past = EventFactory(title="Vorbei", start=ahead(-10))
    public_meeting = MeetingFactory(conference=conference, title="Sitzung im Frühjahr")
    internal_meeting = MeetingFactory(
        conference=conference, title="Vorbesprechung", is_public=False
    )
    deleted_meeting = MeetingFactory(conference=conference, title="Gelöschte Sitzung")
    deleted_meeting.deleted_at = ahead(-1)
    deleted_meeting.save()
    shown = concern(winz_baak, "taken_up", "Bänke am Leinpfad")
    hidden = concern(winz_baak, "unconfirmed", "Unbestätigtes Anliegen")
    project.events.set([published, draft, internal, past])
    project.meetings.set([public_meeting, internal_meeting, deleted_meeting])
    project.concerns.set([shown, hidden])

    response = client.get(project.get_absolute_url())
    text = page(response)

    assert response.status_code == 200
    assert "<h1>Ruhrufer für alle</h1>" in text
    assert "<strong>Wege</strong>" in text
    assert "<script>" not in text
    assert f'href="{hwg.get_absolute_url()}"' in text
    assert f'href="{winz_baak.get_absolute_url()}"' in text
    assert f'href="{conference.get_absolute_url()}"' in text
    assert f'href="{published.get_absolute_url()}"' in text
    for secret in ("Geheimer Entwurf", "Internes Treffen", "Vorbei"):
        assert secret not in text
    assert "Sitzung im Frühjahr" in text
    assert "Vorbesprechung" not in text
    assert "Gelöschte Sitzung" not in text
    assert "Bänke am Leinpfad" in text
    assert "Unbestätigtes Anliegen" not in text
    assert german("Edit the project") not in text


def test_an_unknown_project_is_not_found(client):
    assert (
        client.get(reverse("conferences:project", kwargs={"slug": "gibtsnicht"})).status_code == 404
    )


# Who may create and edit


def _outcome(response):
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    return response.status_code


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", 403),
        ("member", 403),
        ("other_member", 403),
        ("other_moderator", 200),
        ("moderator", 200),
        ("coordinator", 200),
        ("editor", 200),
    ],
)
def test_who_may_open_the_forms(client, project, conference, who, expected):
    everyone = people(conference)
    everyone["other_moderator"] = ConferenceMembershipFactory(
        conference=ConferenceFactory(name="Stadtteilkonferenz Blankenstein"),
        user=UserFactory(email="blankenstein@example.org"),
        role="moderator",
    ).user
    client_as(client, everyone[who])

    create = client.get(reverse("conferences:project-create"))
    edit = client.get(reverse("conferences:project-edit", kwargs={"slug": project.slug}))

    assert _outcome(create) == expected
    # A moderator of another conference may start projects, not edit this one.
    assert _outcome(edit) == (403 if who == "other_moderator" else expected)
    detail = page(client.get(project.get_absolute_url()))
    assert (german("Edit the project") in detail) == (expected == 200 and who != "other_moderator")


@pytest.mark.parametrize(
    "who", [r for r in ROLES if r not in ("moderator", "coordinator", "editor")]
)
def test_people_without_the_right_cannot_save(client, project, conference, who):
    client_as(client, people(conference)[who])

    client.post(reverse("conferences:project-create"), valid_data(conference))
    client.post(
        reverse("conferences:project-edit", kwargs={"slug": project.slug}),
        valid_data(conference, slug="ruhrufer", title="Übernommen"),
    )

    assert list(Project.objects.values_list("title", flat=True)) == ["Ruhrufer für alle"]


# Creating and editing


def test_a_moderator_creates_a_project_and_it_is_logged(client, conference, winz_baak, hwg):
    moderator = people(conference)["moderator"]
    event = EventFactory(title="Uferputz", start=ahead(10), organizers=[hwg])
    other_event = EventFactory(title="Fremdes Fest", start=ahead(10))
    client.force_login(moderator)

    # The partners' events are offered once the partners are chosen ("Update the choices").
    refreshed = client.post(
        reverse("conferences:project-create"),
        {**valid_data(conference), "partners": [hwg.pk], "refresh": "1"},
    )
    assert refreshed.status_code == 200
    assert "Uferputz" in page(refreshed)
    assert "Fremdes Fest" not in page(refreshed)
    assert not Project.objects.exists()

    response = client.post(
        reverse("conferences:project-create"),
        valid_data(
            conference,
            partners=[hwg.pk],
            districts=[winz_baak.pk],
            events=[event.pk],
        ),
    )

    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.status == "planned"
    assert list(project.events.all()) == [event]
    assert list(project.partners.all()) == [hwg]
    assert str(project.end_date) == "2027-10-31"
    entry = history(project).get()
    assert entry.action == "created"
    assert entry.actor == moderator

    # Another organisation's event is not among the choices.
    refused = client.post(
        reverse("conferences:project-edit", kwargs={"slug": project.slug}),
        valid_data(conference, partners=[hwg.pk], events=[other_event.pk]),
    )
    assert refused.status_code == 400
    assert list(project.events.all()) == [event]


def test_editing_logs_what_changed(client, project, conference):
    coordinator = UserFactory(is_moderator=True)
    client.force_login(coordinator)

    response = client.post(
        reverse("conferences:project-edit", kwargs={"slug": project.slug}),
        valid_data(conference, title="Ruhrufer für alle", slug="ruhrufer", status="paused"),
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "paused"
    entry = history(project).get()
    assert entry.action == "edited"
    assert entry.actor == coordinator
    assert entry.changes["status"] == [
        str(Project.Status.RUNNING.label),
        str(Project.Status.PAUSED.label),
    ]
    # Sending the same form again (a double click) changes and logs nothing more.
    client.post(
        reverse("conferences:project-edit", kwargs={"slug": project.slug}),
        valid_data(conference, title="Ruhrufer für alle", slug="ruhrufer", status="paused"),
    )
    assert history(project).count() == 1


def test_a_second_create_with_the_same_form_is_refused(client, conference):
    client.force_login(UserFactory(is_editor=True))
    url = reverse("conferences:project-create")

    first = client.post(url, valid_data(conference))
    second = client.post(url, valid_data(conference))

    assert first.status_code == 302
    assert second.status_code == 400
    assert Project.objects.count() == 1


def test_an_end_before_the_start_is_refused_and_nothing_saved(client, conference):
    client.force_login(UserFactory(is_moderator=True))

    response = client.post(
        reverse("conferences:project-create"),
        valid_data(conference, start_date="01.06.2027", end_date="31.05.2027"),
    )

    assert response.status_code == 400
    assert german("The end cannot be before the start.") in page(response)
    assert not Project.objects.exists()


def test_a_reserved_short_name_is_refused(client, conference):
    client.force_login(UserFactory(is_moderator=True))

    response = client.post(
        reverse("conferences:project-create"), valid_data(conference, slug="neu")
    )

    assert response.status_code == 400
    assert not Project.objects.exists()


def test_a_moderator_must_link_a_conference_they_moderate(client, conference):
    moderator = people(conference)["moderator"]
    other = ConferenceFactory(name="Stadtteilkonferenz Blankenstein")
    client.force_login(moderator)

    response = client.post(
        reverse("conferences:project-create"), valid_data(conference, conferences=[other.pk])
    )

    assert response.status_code == 400
    assert german("Choose at least one of the conferences you moderate.") in page(response)
    assert not Project.objects.exists()


# The umbrella round


def test_the_umbrella_round_shows_cross_district_projects_and_the_year_board(project, winz_baak):
    umbrella = ConferenceFactory(name="Dachrunde", kind="umbrella", districts=[])
    carried = ProjectFactory(
        title="Repair-Café-Netzwerk", status="completed", conferences=[umbrella]
    )
    ProjectFactory(title="Nur Winz-Baak", districts=[winz_baak])

    assert list(domain.cross_district_projects(umbrella)) == [project, carried]
    text = render_to_string("conferences/includes/umbrella_projects.html", {"conference": umbrella})
    assert "Ruhrufer für alle" in text
    assert "Repair-Café-Netzwerk" in text
    assert "Nur Winz-Baak" not in text
    assert reverse("coordination:year-board") in text


# Demo data


def test_the_demo_projects_are_loaded_once(winz_baak, mitte, hwg):
    from quartiersnetz.demo.hattingen import DEMO_MARK
    from quartiersnetz.demo.projects import load_projects

    winz = ConferenceFactory(name="Stadtteilkonferenz Winz-Baak", slug="winz-baak")
    umbrella = ConferenceFactory(name="Dachrunde", slug="dachrunde", kind="umbrella", districts=[])
    meeting = MeetingFactory(conference=winz)
    event = EventFactory(
        title="Stadtteilfest Winz-Baak",
        start=ahead(20),
        organizers=[OrganizationFactory(slug="buergerverein-winz-baak")],
    )
    EventFactory(title="Stadtteilfest Winz-Baak (Entwurf)", start=ahead(20), status=Status.DRAFT)
    today = ahead(0).date()

    assert load_projects(today) == 4
    assert load_projects(today) == 0

    assert Project.objects.count() == 4
    ruhrufer = Project.objects.get(slug="ruhrufer-fuer-alle")
    assert ruhrufer.status == "running"
    assert set(ruhrufer.districts.all()) == {winz_baak, mitte}
    assert list(ruhrufer.events.all()) == [event]
    assert list(ruhrufer.meetings.all()) == [meeting]
    assert ruhrufer.description.endswith(DEMO_MARK)
    benches = Project.objects.get(slug="nachbarschaftsbaenke")
    assert hwg in benches.partners.all()
    assert benches in domain.cross_district_projects(umbrella)
