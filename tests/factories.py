"""factory_boy factories with fixed, readable data from Hattingen."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events import domain
from quartiersnetz.events.models import Category, Event, Status
from quartiersnetz.organizations.models import Membership, Organization
from quartiersnetz.places.models import Place

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BERLIN)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Stadtteil {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    latitude = "51.400000"
    longitude = "7.185000"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Heimatverein {n} e.V.")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    type = Organization.Type.ASSOCIATION


class UserFactory(factory.django.DjangoModelFactory):
    """A person with an account whose email address is verified."""

    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = "Ruhrtal-Spaziergang-2026"

    @classmethod
    def _create(cls, model_class, email, password, **kwargs):
        user = model_class.objects.create_user(email, password, **kwargs)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active member of an organisation."""

    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Gemeinschaftsraum {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    street = "Im Bruchfeld 17"
    postcode = "45525"
    district = factory.SubFactory(DistrictFactory)
    latitude = "51.393100"
    longitude = "7.223600"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Kategorie {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class EventFactory(factory.django.DjangoModelFactory):
    """A published public event; saved through the domain so its occurrences exist."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Stammtisch {n}")
    teaser = "Treffen der Nachbarschaft"
    description = "Alle sind **willkommen**."
    start = factory.LazyFunction(lambda: berlin(2026, 12, 1, 19))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    place = factory.SubFactory(PlaceFactory)
    status = Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        event = model_class(*args, **kwargs)
        event.full_clean()
        return domain.save_event(event)

    @factory.post_generation
    def organizers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizers.set(extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class ReportFactory(factory.django.DjangoModelFactory):
    """An open report about a published event."""

    class Meta:
        model = "events.Report"

    event = factory.SubFactory(EventFactory)
    reason = "wrong"
    message = "Der Termin ist verlegt worden."


class DateHoldFactory(factory.django.DjangoModelFactory):
    """An organisation's tentative hold on a weekend next year, for organisers only."""

    class Meta:
        model = "coordination.DateHold"
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Sommerfest {n}")
    first_day = factory.LazyFunction(lambda: local_today() + dt.timedelta(days=120))
    last_day = factory.LazyAttribute(lambda o: o.first_day + dt.timedelta(days=1))
    district = factory.SubFactory(DistrictFactory)
    expected_attendance = 800
    expires_on = factory.LazyAttribute(lambda o: o.first_day)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)


class ConferenceFactory(factory.django.DjangoModelFactory):
    """A district conference covering one district."""

    class Meta:
        model = "conferences.Conference"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Stadtteilkonferenz {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Vereine, Schulen und Nachbarn treffen sich **viermal im Jahr**."

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create:
            self.districts.set(extracted if extracted is not None else [DistrictFactory()])


class ConferenceMembershipFactory(factory.django.DjangoModelFactory):
    """A member with an account, on behalf of an organisation."""

    class Meta:
        model = "conferences.Membership"

    conference = factory.SubFactory(ConferenceFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.get_full_name() if o.user else "Greta Gast")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "greta@example.org")
    on_behalf_of = factory.SubFactory(OrganizationFactory)
    role = "member"


class MeetingFactory(factory.django.DjangoModelFactory):
    """A public meeting of a conference a month ahead, 17–19 h, planned."""

    class Meta:
        model = "conferences.Meeting"

    conference = factory.SubFactory(ConferenceFactory)
    start = factory.LazyFunction(
        lambda: dt.datetime.combine(
            local_today() + dt.timedelta(days=30), dt.time(17), tzinfo=BERLIN
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2))
    place = factory.SubFactory(PlaceFactory)
    is_public = True


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "conferences.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")
    description = "Bericht und Aussprache."
    is_public = True


class ProjectFactory(factory.django.DjangoModelFactory):
    """A running cooperation project in one district."""

    class Meta:
        model = "conferences.Project"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kooperationsprojekt {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = "Gemeinsam mit den Nachbarn **mehr bewegen**."
    status = "running"

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)

    @factory.post_generation
    def conferences(self, create, extracted, **kwargs):
        if create and extracted:
            self.conferences.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)


class ConcernFactory(factory.django.DjangoModelFactory):
    """A confirmed (new, public) concern raised without an account."""

    class Meta:
        model = "conferences.Concern"

    district = factory.SubFactory(DistrictFactory)
    title = factory.Sequence(lambda n: f"Keine Bank an der Haltestelle {n}")
    description = "Ältere Menschen können an der Haltestelle **nicht sitzen**."
    topic = "accessibility"
    status = "new"
    author_name = "Greta Gast"
    author_email = factory.Sequence(lambda n: f"anliegen{n}@example.org")
    confirmed_at = factory.LazyFunction(lambda: dt.datetime.now(tz=BERLIN))
