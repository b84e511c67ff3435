"""The event form on its own: dates and times, the recurrence builder, the new place,
the choice of organisers and the list of errors."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from quartiersnetz.core.timeutil import localize
from quartiersnetz.events.forms import (
    CreateEventForm,
    EditEventForm,
    PostponeForm,
    copy_initial,
)
from quartiersnetz.events.models import Event, Status
from tests.factories import (
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    UserFactory,
    berlin,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def organization():
    return OrganizationFactory(name="Heimatverein Welper e.V.")


@pytest.fixture
def organiser(organization):
    return MembershipFactory(organization=organization).user


@pytest.fixture
def place():
    return PlaceFactory(name="Gemeindehaus Welper")


def data(organization, place, **overrides):
    values = {
        "form_key": "0b7f3a52-9c1e-4a57-8f53-3f1d7c0b9e11",
        "title": "Adventssingen",
        "start_date": "2026-12-05",
        "start_time": "17:00",
        "end_date": "",
        "end_time": "19:00",
        "repeat": "none",
        "place": str(place.pk) if place else "",
        "organizers": [str(organization.pk)],
        "audience": "everyone",
        "visibility": "public",
    }
    values.update(overrides)
    return values


def create_form(organiser, organization, place, files=None, **overrides):
    form = CreateEventForm(data(organization, place, **overrides), files, user=organiser)
    form.is_valid()
    return form


# --- Dates and times -----------------------------------------------------------------


def test_date_and_time_are_local_time_in_hattingen(organiser, organization, place):
    form = create_form(organiser, organization, place, start_date="2026-07-04")
    assert form.is_valid(), form.errors
    assert localize(form.instance.start) == berlin(2026, 7, 4, 17)
    assert form.instance.start.utcoffset() == dt.timedelta(hours=2)
    assert form.instance.end - form.instance.start == dt.timedelta(hours=2)


def test_german_dates_are_understood_where_the_browser_has_no_date_picker(
    organiser, organization, place
):
    form = create_form(organiser, organization, place, start_date="05.12.2026")
    assert form.is_valid(), form.errors
    assert localize(form.instance.start).date() == dt.date(2026, 12, 5)


def test_an_event_may_end_after_midnight_on_the_next_day(organiser, organization, place):
    form = create_form(
        organiser, organization, place, start_time="21:00", end_date="2026-12-06", end_time="01:00"
    )
    assert form.is_valid(), form.errors
    assert localize(form.instance.end) == berlin(2026, 12, 6, 1)


def test_an_end_before_the_start_is_an_error_on_the_end(organiser, organization, place):
    form = create_form(organiser, organization, place, start_time="21:00", end_time="01:00")
    assert form.errors == {
        "end_time": [
            "The end must be after the start. If the event ends after midnight, "
            "set the end date to the next day."
        ]
    }
    form = create_form(organiser, organization, place, end_date="2026-12-04")
    assert form.errors == {"end_date": ["The end date cannot be before the start date."]}


def test_times_are_needed_unless_all_day(organiser, organization, place):
    form = create_form(organiser, organization, place, start_time="", end_time="")
    assert set(form.errors) == {"start_time", "end_time"}
    form = create_form(
        organiser, organization, place, all_day="on", start_time="", end_time="", end_date=""
    )
    assert form.is_valid(), form.errors
    assert localize(form.instance.start) == berlin(2026, 12, 5)
    assert localize(form.instance.end) == berlin(2026, 12, 6)
    assert form.instance.all_day


def test_an_all_day_event_cannot_end_before_it_starts(organiser, organization, place):
    form = create_form(organiser, organization, place, all_day="on", end_date="2026-12-01")
    assert form.errors == {"end_date": ["The last day cannot be before the first day."]}


def test_an_event_of_more_than_92_days_is_an_error_on_the_end_date(organiser, organization, place):
    form = create_form(organiser, organization, place, end_date="2027-06-01")
    assert list(form.errors) == ["end_date"]
    assert "at most 92 days" in form.errors["end_date"][0]


def test_a_date_that_does_not_exist_is_an_error(organiser, organization, place):
    form = create_form(organiser, organization, place, start_date="2026-02-30")
    assert list(form.errors) == ["start_date"]


# --- The recurrence builder ----------------------------------------------------------


def test_a_monthly_series_is_built_from_the_start_date(organiser, organization, place):
    form = create_form(
        organiser, organization, place, repeat="monthly", repeat_count="6", repeat_week=""
    )
    assert form.is_valid(), form.errors
    # 5 December 2026 is the first Saturday of the month.
    assert form.instance.recurrence_rule == "FREQ=MONTHLY;BYDAY=1SA;COUNT=6"


def test_builder_errors_are_shown_on_their_fields_with_the_other_errors(
    organiser, organization, place
):
    form = create_form(
        organiser,
        organization,
        place,
        end_time="16:00",
        repeat="weekly",
        repeat_interval="60",
        repeat_count="400",
    )
    assert set(form.errors) == {"end_time", "repeat_interval", "repeat_count"}
    form = create_form(organiser, organization, place, repeat="weekly")
    assert form.errors == {
        "repeat_until": [
            "A series must end: enter the date of its last day or the number of dates."
        ]
    }


def test_a_series_longer_than_three_years_is_refused(organiser, organization, place):
    form = create_form(organiser, organization, place, repeat="weekly", repeat_until="2030-01-01")
    assert list(form.errors) == ["repeat_until"]
    assert "at most 3 years" in form.errors["repeat_until"][0]


def test_excluded_dates_are_stored_one_per_line(organiser, organization, place):
    form = create_form(
        organiser,
        organization,
        place,
        repeat="weekly",
        repeat_count="5",
        recurrence_exceptions="19.12.2026\n2026-12-12, 12.12.2026",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence_exceptions"] == "2026-12-12\n2026-12-19"


def test_a_series_whose_every_date_is_excluded_is_refused(organiser, organization, place):
    form = create_form(
        organiser,
        organization,
        place,
        repeat="weekly",
        repeat_count="2",
        recurrence_exceptions="2026-12-05, 2026-12-12",
    )
    assert form.errors == {
        "recurrence_exceptions": [
            "All dates of the series are excluded: the series would have no date."
        ]
    }


def test_excluded_dates_of_a_single_event_are_dropped(organiser, organization, place):
    form = create_form(organiser, organization, place, recurrence_exceptions="2026-12-24")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["recurrence_exceptions"] == ""
    assert form.instance.recurrence_rule == ""


def test_a_rule_from_the_admin_is_kept_unless_the_organiser_replaces_it(organiser, organization):
    event = EventFactory(
        organizers=[organization],
        status=Status.DRAFT,
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 21),
        recurrence_rule="FREQ=MONTHLY;BYDAY=1TU,3TU",
    )
    event = Event.objects.get(pk=event.pk)
    form = EditEventForm(instance=event, user=organiser)
    assert form["repeat"].value() == "keep"
    keep_label = dict(form.fields["repeat"].choices)["keep"]
    assert keep_label.startswith("Keep the current rule: ")

    values = data(
        organization,
        None,
        sequence=str(event.sequence),
        start_date="2026-12-01",
        start_time="19:00",
        end_time="21:00",
        repeat="keep",
    )
    form = EditEventForm(values, instance=event, user=organiser)
    assert form.is_valid(), form.errors
    assert form.instance.recurrence_rule == "FREQ=MONTHLY;BYDAY=1TU,3TU"


# --- Place ---------------------------------------------------------------------------


def test_a_new_place_needs_a_name_and_district(organiser, organization):
    form = create_form(organiser, organization, None, new_place_street="Talstraße 8")
    assert set(form.errors) == {"new_place_name", "new_place_district"}


def test_a_new_place_or_one_from_the_list_not_both(organiser, organization, place):
    district = DistrictFactory()
    form = create_form(
        organiser,
        organization,
        place,
        new_place_name="Kulturbahnhof",
        new_place_district=str(district.pk),
    )
    assert list(form.errors) == ["new_place_name"]


def test_a_new_place_that_exists_already_is_chosen_from_the_list(organiser, organization, place):
    form = create_form(
        organiser,
        organization,
        None,
        new_place_name="gemeindehaus welper",
        new_place_district=str(place.district.pk),
    )
    assert form.errors == {
        "new_place_name": ["A place with this name exists already: choose it from the list."]
    }


def test_a_new_place_is_only_saved_by_the_view(organiser, organization):
    district = DistrictFactory()
    form = create_form(
        organiser,
        organization,
        None,
        new_place_name="Kulturbahnhof",
        new_place_district=str(district.pk),
        new_place_postcode="45527",
    )
    assert form.is_valid(), form.errors
    assert form.new_place.pk is None
    assert form.new_place.postcode == "45527"


def test_submitting_needs_a_place_or_link(organiser, organization):
    values = data(organization, None)
    assert CreateEventForm(values, user=organiser).is_valid()
    form = CreateEventForm(values, user=organiser, submitting=True)
    assert form.errors == {"place": ["Choose a place or enter an online link."]}
    values["online_url"] = "meet.example/adventssingen"
    assert CreateEventForm(values, user=organiser, submitting=True).is_valid()


# --- Organisers ----------------------------------------------------------------------


def test_organisers_choose_among_their_own_organisations(organiser, organization):
    OrganizationFactory(name="Fremder Verein")
    form = CreateEventForm(user=organiser)
    assert list(form.fields["organizers"].queryset) == [organization]
    # The only organisation is chosen already.
    assert form["organizers"].value() == [organization.pk]


def test_an_editor_chooses_among_all_organisations(organization):
    other = OrganizationFactory(name="Fremder Verein")
    form = CreateEventForm(user=UserFactory(is_editor=True))
    assert set(form.fields["organizers"].queryset) == {organization, other}


def test_co_organisers_stay_choosable_and_one_own_organisation_stays(
    organiser, organization, place
):
    partner = OrganizationFactory(name="Kirchengemeinde Welper")
    event = EventFactory(organizers=[organization, partner], status=Status.DRAFT, place=place)
    event = Event.objects.get(pk=event.pk)
    form = EditEventForm(instance=event, user=organiser)
    assert set(form.fields["organizers"].queryset) == {organization, partner}

    values = data(partner, place, sequence=str(event.sequence))
    form = EditEventForm(values, instance=event, user=organiser)
    assert list(form.errors) == ["organizers"]
    assert "Keep at least one organisation you act for" in form.errors["organizers"][0]


# --- Image ---------------------------------------------------------------------------


def test_an_image_needs_a_description(organiser, organization, place):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG")
    upload = SimpleUploadedFile("bild.png", buffer.getvalue(), content_type="image/png")
    form = create_form(organiser, organization, place, files={"image": upload})
    assert form.errors == {"image_alt": ["Describe the image for people who cannot see it."]}


# --- The list of errors --------------------------------------------------------------


def test_the_error_list_follows_the_form_and_links_to_the_fields(organiser, organization):
    form = create_form(
        organiser,
        organization,
        None,
        title="",
        end_time="",
        repeat="weekly",
        organizers=[],
    )
    summary = form.error_summary()
    assert [entry["anchor"] for entry in summary] == [
        "id_title",
        "id_end_time",
        "id_repeat_until",
        # A group of checkboxes is reached through its first box.
        "id_organizers_0",
    ]
    assert summary[0]["label"] == "Title"


# --- Copy and postpone ---------------------------------------------------------------


def test_a_copy_has_everything_but_the_image_and_a_new_key(organiser, organization, place):
    event = EventFactory(
        organizers=[organization], place=place, image_alt="Chor", title="Chorkonzert"
    )
    initial = copy_initial(event)
    assert initial["title"] == "Copy: Chorkonzert"
    assert initial["place"] == place.pk
    assert initial["organizers"] == [organization.pk]
    assert "image" not in initial
    assert "image_alt" not in initial
    assert initial["form_key"] != copy_initial(event)["form_key"]


def test_postponing_reads_the_new_date_in_local_time(organization):
    event = EventFactory(organizers=[organization], start=berlin(2026, 12, 5, 17))
    form = PostponeForm(
        {"start_date": "2027-03-28", "start_time": "10:00", "end_time": "12:00"}, event=event
    )
    assert form.is_valid(), form.errors
    assert localize(form.cleaned_data["start"]) == berlin(2027, 3, 28, 10)
    all_day = EventFactory(
        organizers=[organization], start=berlin(2026, 12, 5), end=berlin(2026, 12, 6), all_day=True
    )
    form = PostponeForm({"start_date": "2026-12-12", "end_date": "2026-12-13"}, event=all_day)
    assert "start_time" not in form.fields
    assert form.is_valid(), form.errors
    assert localize(form.cleaned_data["end"]) == berlin(2026, 12, 14)


def test_expected_attendance_is_a_sensible_number(organiser, organization, place):
    form = create_form(organiser, organization, place, expected_attendance="5000000")
    assert list(form.errors) == ["expected_attendance"]
    form = create_form(organiser, organization, place, expected_attendance="9" * 10_000)
    assert list(form.errors) == ["expected_attendance"]
    form = create_form(organiser, organization, place, expected_attendance="250")
    assert form.is_valid(), form.errors
    assert form.instance.expected_attendance == 250


def test_a_page_of_excluded_dates_is_refused_without_reading_it(organiser, organization, place):
    form = create_form(
        organiser,
        organization,
        place,
        repeat="weekly",
        repeat_count="5",
        recurrence_exceptions="2026-12-24\n" * 100_000,
    )
    assert list(form.errors) == ["recurrence_exceptions"]
    assert "at most 4000 characters" in form.errors["recurrence_exceptions"][0]
