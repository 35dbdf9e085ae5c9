"""Test data through the services, as a user would create it (STYLE.md, Tests)."""

import contextlib
import datetime as dt
import itertools

import factory
import time_machine
from django.utils import timezone
from stdnum import luhn

from cases import selectors, services
from cases.models import (
    Consent,
    InterventionType,
    LegalBasis,
    Municipality,
    Recipient,
    Referral,
    Role,
    Team,
    User,
)
from cases.services import InterventionLine

_serial = itertools.count(100)


def personal_number(birth: dt.date = dt.date(1940, 5, 17), *, coordination: bool = False) -> str:
    """A fresh checksum-valid 12-digit number for `birth` (serials count up so numbers never clash)."""
    serial = f"{next(_serial) % 1000:03d}"
    if serial == "000":
        serial = f"{next(_serial) % 1000:03d}"
    day = birth.day + (60 if coordination else 0)
    body = f"{birth:%y%m}{day:02d}{serial}"
    return f"{birth:%Y}{body[2:]}{luhn.calc_check_digit(body)}"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Testkommun {n}")
    code = factory.Sequence(lambda n: f"{n % 10000:04d}")  # four digits however many tests ran


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Hemgångsteam {n}")
    capacity = 10
    usual_support_days = 10
    max_support_days = 28


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.CASE_OFFICER
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def catalogue(municipality):
    types = [
        InterventionType.objects.create(municipality=municipality, name=name)
        for name in ("Personlig omvårdnad", "Gångträning", "Tillsyn natt")
    ]
    basis = LegalBasis.objects.create(municipality=municipality, name="SoL (2025:400) beslut om insatser")
    return types, basis


def client(actor, **overrides):
    fields = {
        "personal_number": personal_number(),
        "first_name": "Greta",
        "last_name": "Testberg",
        "street_address": "Provgatan 1",
        "postal_code": "999 99",
        "city": "Testby",
    }
    # The client's group links to the directory when the world has it (tests/conftest.py), else free text.
    group = Recipient.objects.filter(municipality_id=actor.municipality_id, kind="group", name="Hemtjänst Centrum")
    if group.exists() and "hemtjanst_group" not in overrides:
        fields["hemtjanst_group_unit"] = group.get()
    else:
        fields["hemtjanst_group"] = "Hemtjänst Centrum"
    fields.update(overrides)
    return services.client_register(actor=actor, **fields)


def referral_fields(**overrides):
    today = timezone.localdate()
    fields = {
        "source": Referral.Source.HOSPITAL,
        "source_unit": "Avd 12",
        "admitted_on": today - dt.timedelta(days=5),
        "ready_for_discharge_at": timezone.now(),
        "planned_homecoming_on": today,
        "reason": "Höftfraktur, orolig inför hemgång.",
        "triage": Referral.Triage.YELLOW,
    }
    fields.update(overrides)
    return fields


def referred_case(actor, the_client=None, **overrides):
    the_client = the_client or client(actor)
    return services.referral_register(actor=actor, client=the_client, **referral_fields(**overrides))


def consent(actor, case, given_on=None, receivers=None):
    """Consent as the case officer records it: naming every receiver the form offers, unless told whom."""
    return services.consent_record(
        actor=actor,
        case=case,
        given_on=given_on or timezone.localdate(),
        given_by=Consent.GivenBy.CLIENT,
        form=Consent.Form.WRITTEN,
        scope="Informationsöverföring mellan hemgångsteam och hemtjänst.",
        receivers=selectors.consent_receiver_choices(case) if receivers is None else receivers,
    )


def decision(actor, case, team, types, basis, *, start=None, days=10, decided_on=None, consent_gap_accepted=True):
    """A decision as a case officer registers it; a period past the consent is accepted unless told not
    to (the tests of that warning pass `consent_gap_accepted=False`)."""
    start = start or timezone.localdate()
    return services.decision_register(
        actor=actor,
        case=case,
        team=team,
        legal_basis=basis,
        needs_assessed=True,
        decided_on=decided_on or min(start, timezone.localdate()),
        start_date=start,
        end_date=start + dt.timedelta(days=days - 1),
        purpose="Trygg hemgång",
        goals="Klara vardagen",
        interventions=[
            InterventionLine(intervention_type_id=types[0].pk, times=2, per="day", minutes=30, part_of_day="morning")
        ],
        consent_gap_accepted=consent_gap_accepted,
    )


def hand_over(staff, case):
    """The team writes and sends the final handover: the case becomes handed over. The handover is sent from
    the team's follow-up day, so a test still before it is moved there for the sending."""
    from handover import services as handover

    opens = timezone.make_aware(dt.datetime.combine(handover.handover_opens_on(case), dt.time(9)))
    later = time_machine.travel(opens, tick=False) if timezone.now() < opens else contextlib.nullcontext()
    with later:
        handover.handover_save(actor=staff, case=case, working_methods="Duschar själv med pall och tillsyn.")
        return handover.message_send(actor=staff, message=handover.handover_draft_message(actor=staff, case=case))


def close(staff, case):
    """The closing notice sent and every receipt of the handover and the closing given: the case closes."""
    from handover import services as handover
    from handover.models import Delivery

    handover.message_send(actor=staff, message=handover.closing_draft_message(actor=staff, case=case))
    pending = Delivery.objects.filter(
        message__case=case, acknowledged_at__isnull=True, message__kind__in=["final_handover", "closing_notice"]
    )
    for delivery in pending:
        handover.message_acknowledge(actor=delivery.recipient.members.first(), delivery=delivery)
