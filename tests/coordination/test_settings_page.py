"""The administrators' page for the conflict engine's weights and thresholds."""

import pytest
from django.urls import reverse

from quartiersnetz.coordination.models import CoordinationSettings
from quartiersnetz.core.activity import history
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import german, page

pytestmark = pytest.mark.django_db

URL = reverse("coordination:settings")
FIELDS = (
    "large_event_attendance",
    "neighbour_distance_km",
    "weight_same_district",
    "weight_neighbour_district",
    "weight_large_same_weekend",
    "weight_same_audience",
    "weight_public_holiday",
    "weight_school_holidays",
    "weight_bridge_day",
    "high_severity_from",
)


@pytest.fixture
def admin(client):
    person = UserFactory(email="vera@example.org", is_superuser=True, is_staff=True)
    client.force_login(person)
    return person


def current_values():
    row = CoordinationSettings.load()
    return {name: str(getattr(row, name)) for name in FIELDS}


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["citizen", "member", "moderator", "editor"])
def test_nobody_but_administrators_opens_or_sends_the_page(client, role):
    person = {
        "citizen": lambda: UserFactory(),
        "member": lambda: MembershipFactory().user,
        "moderator": lambda: UserFactory(is_moderator=True),
        "editor": lambda: UserFactory(is_editor=True),
    }[role]()
    client.force_login(person)
    before = current_values()
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**before, "weight_bridge_day": "99"}).status_code == 403
    assert current_values() == before


def test_the_page_shows_every_setting_with_its_help(client, admin):
    response = client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert tuple(form.fields) == FIELDS
    content = page(response)
    for name in FIELDS:
        assert f'id="id_{name}"' in content
    assert german("Events with at least this many expected visitors count as large.") in content
    assert 'max="100"' in content


def test_an_administrator_saves_the_settings_and_the_change_is_logged(client, admin):
    data = {**current_values(), "weight_bridge_day": "0", "neighbour_distance_km": "4.5"}
    response = client.post(URL, data, follow=True)
    assert response.redirect_chain[-1][0] == URL
    row = CoordinationSettings.load()
    assert row.weight_bridge_day == 0
    assert str(row.neighbour_distance_km) == "4.5"
    entry = history(row).get()
    assert entry.actor == admin
    assert entry.changes == {
        "weight_bridge_day": ["5", "0"],
        "neighbour_distance_km": ["2.5", "4.5"],
    }
    assert german("The settings have been saved. The next conflict checks use them.") in [
        str(message) for message in response.context["messages"]
    ]
    assert german("changed the settings") in page(response)


def test_saving_unchanged_settings_says_so(client, admin):
    CoordinationSettings.objects.filter(pk=CoordinationSettings.load().pk).update(
        neighbour_distance_km="3.0"
    )
    # 3 km typed is the stored 3.0 km.
    response = client.post(URL, {**current_values(), "neighbour_distance_km": "3"}, follow=True)
    assert german("Nothing has changed.") in [str(m) for m in response.context["messages"]]
    assert not history(CoordinationSettings.load()).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_same_district", "-1"),
        ("weight_same_district", "101"),
        ("high_severity_from", "0"),
        ("large_event_attendance", "0"),
        ("large_event_attendance", "2000000"),
        ("neighbour_distance_km", "51"),
        ("neighbour_distance_km", "-0.5"),
        ("weight_bridge_day", "viel"),
        ("weight_bridge_day", ""),
    ],
)
def test_values_out_of_range_are_refused_and_nothing_changes(client, admin, field, value):
    before = current_values()
    response = client.post(URL, {**before, field: value})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert german("Nothing has been saved yet.") in page(response)
    assert current_values() == before
