"""A believable, obviously fictional municipality for `make run` and for clicking through.

Everything goes through the services, as a case officer would create it. Runs once: a second run sees
the municipality and does nothing.
"""

import contextlib
import datetime as dt
import random

import time_machine
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from cases import selectors, services
from cases.models import (
    ApiToken,
    CaseState,
    Consent,
    Intervention,
    InterventionType,
    LegalBasis,
    Municipality,
    Referral,
    Role,
    Scope,
    Team,
    User,
)
from cases.services import InterventionLine
from handover import services as handover
from handover.models import Delivery, Message, Recipient
from notifications import reminders
from scheduling import calendar
from scheduling import services as scheduling
from scheduling.models import Visit
from scheduling.services import care_plan_update, journal_sign

DEMO_PASSWORD = "hemgang-demo"
# The demo's past: about as many cases as two teams of its size take in (SKL: clients at once × 365 /
# length; Norr 12 × 365 / 14 and Söder 8 × 365 / 10, a little below capacity), over two years.
HISTORY_CASES, HISTORY_YEARS = 1000, 2
# Every demo user's authenticator app has this published key (README, "Demo logins"): a tester adds it to
# an app once (otpauth URI or typed), or asks `manage.py demo_code`. Never a real account's key.
DEMO_TOTP_SECRET = "HEMGANGDEMOHEMGANGDEMOHEMGANGDEM"
DEMO_TOTP_KEY = "39186034c3231c7230c069864638e46180d30c8c"  # the same, in hex as django-otp stores it

INTERVENTION_TYPES = [
    "Personlig omvårdnad",
    "Hjälp med måltider",
    "Tillsyn",
    "Läkemedelspåminnelse",
    "ADL-träning",
    "Gångträning",
    "Dusch",
    "Inköp",
    "Städning",
    "Trygghetssamtal",
]
# (name, after an individual needs assessment?)
LEGAL_BASES = [
    ("SoL (2025:400) – beslut om insatser efter individuell behovsbedömning", True),
    ("SoL (2025:400) – insats utan individuell behovsbedömning", False),
    ("SoL (2001:453) 4 kap. 1 § – bistånd (beslut före 1 juli 2025)", True),
]
FIRST_NAMES = [
    "Astrid",
    "Bertil",
    "Greta",
    "Sven",
    "Ingrid",
    "Gösta",
    "Margit",
    "Rune",
    "Elsa",
    "Helge",
    "Karin",
    "Nils",
    "Birgitta",
    "Folke",
    "Signe",
    "Arne",
    "Ulla",
    "Sixten",
    "Maj",
    "Tage",
]
LAST_NAMES = [
    "Exempelsson",
    "Testberg",
    "Provén",
    "Påhittad",
    "Demosson",
    "Låtsasson",
    "Fiktiv",
    "Övningsdal",
    "Testlund",
    "Modellgren",
]
USERS = [
    # username, first, last, role, profession, team key, shift
    ("handlaggare", "Hanna", "Handläggare", Role.CASE_OFFICER, "", None, ""),
    ("handlaggare2", "Bo", "Beslutsson", Role.CASE_OFFICER, "", None, ""),
    ("usk.norr", "Ulla", "Undersköterska", Role.TEAM_STAFF, "usk", "norr", ""),
    ("ssk.norr", "Sara", "Sjuksköterska", Role.TEAM_STAFF, "ssk", "norr", ""),
    ("at.norr", "Anders", "Arbetsterapeut", Role.TEAM_STAFF, "at", "norr", ""),
    ("ft.norr", "Fia", "Fysioterapeut", Role.TEAM_STAFF, "ft", "norr", ""),
    ("dietist.norr", "Dan", "Dietist", Role.TEAM_STAFF, "dietist", "norr", ""),
    ("usk.soder", "Selma", "Södergren", Role.TEAM_STAFF, "usk", "soder", ""),
    ("chef.norr", "Eva", "Enhetschef", Role.UNIT_MANAGER, "", "norr", ""),
    ("chef.soder", "Erik", "Enhetschefsson", Role.UNIT_MANAGER, "", "soder", ""),
    ("koordinator.dag", "Kim", "Koordinator", Role.COORDINATOR, "", None, "day"),
    ("koordinator.natt", "Nora", "Nattkoordinator", Role.COORDINATOR, "", None, "night"),
    ("admin", "Ada", "Administratör", Role.ADMINISTRATOR, "", None, ""),
    ("sjukhus-api", "Sjukhusets", "Integration", Role.INTEGRATION, "", None, ""),
    ("omsorg-api", "Omsorg Demo AB:s", "system", Role.PROVIDER_INTEGRATION, "", None, ""),
]
# The integrations' tokens (printed once by the seed): which account, named how, with which scope.
DEMO_TOKENS = (
    ("sjukhus-api", "Sjukhusets journalsystem", [Scope.REFERRALS]),
    ("omsorg-api", "Omsorg Demo AB:s verksamhetssystem", [Scope.MESSAGES]),
)
# How many demo cases end in each state (30 clients).
STATE_PLAN = (
    [CaseState.REFERRED] * 6
    + [CaseState.DECIDED] * 5
    + [CaseState.ACTIVE] * 9
    + [CaseState.HANDED_OVER] * 3
    + [CaseState.CLOSED] * 4
    + [CaseState.DECLINED, CaseState.WITHDRAWN, CaseState.READMITTED]
)


def fictional_personal_number(rng: random.Random, *, coordination: bool = False, year: int | None = None) -> str:
    """A checksum-valid number with birth number 98x–99x, a range not given to anyone we know of."""
    birth = dt.date(year or rng.randint(1930, 1948), rng.randint(1, 12), rng.randint(1, 28))
    day = birth.day + (60 if coordination else 0)
    yymmdd = f"{birth:%y%m}{day:02d}"
    serial = f"{rng.randint(980, 999)}"
    check = luhn.calc_check_digit(yymmdd + serial)
    return f"{birth:%Y}{yymmdd[2:]}{serial}{check}"


# The active cases, by how many days ago their support started: different days of the support, one whose
# day-6 meeting is on the next working day, one whose consent (given on day 1) ends tomorrow, one on its
# last day, one past its end.
ACTIVE_PLAN = [0, 1, 2, "meeting_tomorrow", 5, 6, 8, 9, "overdue"]


# Two referrals have waited in hospital since they were ready for discharge (utskrivningsklar): one past the
# municipality's free days, so payment responsibility has started, one whose payment starts tomorrow.
READY_DAYS_BEFORE_REFERRAL = {0: 3, 1: 2}


def case_args(client, start: dt.date, admitted: dt.date, target, *, ready_days_before: int = 0) -> dict:
    ready = start - dt.timedelta(days=ready_days_before)
    return {
        "client": client,
        "admitted_on": min(admitted, ready),
        "ready_for_discharge_at": timezone.make_aware(dt.datetime.combine(ready, dt.time(9, 30))),
        "planned_homecoming_on": start + dt.timedelta(days=1 if target == CaseState.REFERRED else 0),
    }


def _on(day: dt.date, time: dt.time, today: dt.date):
    """The clock at `time` on `day`, for what happened on an earlier day, so that its history, planned
    visits and day-6 meeting are dated as they would have been. Today's work happens at the real time.
    (time-machine comes with the lock file; the seed is a demo tool, never run in production.)"""
    if day >= today:
        return contextlib.nullcontext()
    # The clock ticks on from `time`, so the day's steps keep their order in the timeline.
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, time)), tick=True)


class Command(BaseCommand):
    help = "Create the demo municipality Demoköping with teams, staff, catalogues and 30 cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history-cases",
            type=int,
            default=HISTORY_CASES,
            help="Closed cases of the past years, for the unit manager's follow-up (0: none).",
        )
        parser.add_argument("--history-years", type=int, default=HISTORY_YEARS, help="Years of that past.")

    def handle(self, *args, history_cases=HISTORY_CASES, history_years=HISTORY_YEARS, **options):
        if Municipality.objects.filter(code="9999").exists():
            self.stdout.write("Demo data already present.")
            return
        # The demo's people have made-up addresses: the notices the routine e-mails stay in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            with transaction.atomic():
                self._seed()
            if history_cases > 0 and history_years > 0:
                # In transactions of its own: the bulk load commits chunk by chunk (demo.bench_data).
                self._history(cases=history_cases, years=history_years)
            # The reminders due today are in the notification centres from the start (the sweep runs again
            # every few minutes, under `make run` too).
            reminders.sweep()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data created. Every demo login has the password {DEMO_PASSWORD!r}.")
        )
        for username, name, scopes in DEMO_TOKENS:
            _token, raw = ApiToken.issue(User.objects.get(username=username), name=name, scopes=scopes)
            self.stdout.write(f"API token for {name} ({username}, {', '.join(scopes)}; shown once): {raw}")

    def _seed(self):
        rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not a secret
        town = Municipality.objects.create(name="Demoköping", code="9999", consent_validity_days=10)
        teams = {
            "norr": Team.objects.create(
                municipality=town,
                name="Hemgångsteam Norr",
                area="Norr",
                email="hemgang.norr@demokoping.example",
                working_days=Team.WorkingDays.EVERY_DAY,
                day_starts_at=dt.time(7),
                day_ends_at=dt.time(22),
                capacity=12,
                usual_support_days=14,
                max_support_days=28,
            ),
            "soder": Team.objects.create(
                municipality=town,
                name="Hemgångsteam Söder",
                area="Söder",
                email="hemgang.soder@demokoping.example",
                working_days=Team.WorkingDays.WEEKDAYS,
                day_starts_at=dt.time(8),
                day_ends_at=dt.time(16),
                capacity=8,
                usual_support_days=10,
                max_support_days=14,
            ),
        }
        for order, name in enumerate(INTERVENTION_TYPES):
            InterventionType.objects.create(municipality=town, name=name, sort_order=order)
        for order, (name, needs_assessment) in enumerate(LEGAL_BASES):
            LegalBasis.objects.create(municipality=town, name=name, needs_assessment=needs_assessment, sort_order=order)

        admins = Group.objects.create(name="Administratörer")
        admins.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=["cases", "handover"],
                content_type__model__in=["interventiontype", "legalbasis", "team", "user", "municipality", "recipient"],
            )
        )
        users = {}
        for username, first, last, role, profession, team_key, shift in USERS:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                profession=profession,
                team=teams.get(team_key),
                shift=shift,
                municipality=town,
                email=f"{username}@demokoping.example",
                is_staff=(role == Role.ADMINISTRATOR),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            if role not in (Role.INTEGRATION, Role.PROVIDER_INTEGRATION):  # systems have tokens and no sign-in
                TOTPDevice.objects.create(user=user, name="Demo", key=DEMO_TOTP_KEY, confirmed=True)
            if role == Role.ADMINISTRATOR:
                user.groups.add(admins)
            users[username] = user
        # Eva leads both teams (Erik is Söder's own unit manager): her dashboards cover Norr and Söder.
        users["chef.norr"].led_teams.add(teams["soder"])

        self._recipients(town, users)
        officers = [users["handlaggare"], users["handlaggare2"]]
        types = list(InterventionType.objects.filter(municipality=town))
        basis = LegalBasis.objects.filter(municipality=town).first()
        today = timezone.localdate()
        for index, target in enumerate(STATE_PLAN):
            self._case(rng, index, target, officers[index % 3 == 2], teams, types, basis, today, users)

    def _history(self, *, cases: int, years: int):
        """The past years of both teams, closed, written in bulk by the benchmark's generator
        (`demo.bench_data`: the same life of a case, its events, visits, messages and measures), so Eva's
        follow-up shows months of real-looking figures. Not through the services: a thousand cases through
        them would take minutes; these old records have no history rows, their case events are complete."""
        from demo.bench_data.organisation import Organisation, TeamStaff
        from demo.bench_data.seed import history

        town = Municipality.objects.get(code="9999")
        people = {u.username: u for u in User.objects.filter(municipality=town)}
        recipients = {r.name: r for r in Recipient.objects.filter(municipality=town)}
        teams = []
        for key in ("norr", "soder"):
            team = people[f"chef.{key}"].team
            members = [u for u in people.values() if u.team_id == team.pk and u.role == Role.TEAM_STAFF]
            staff = [(u.pk, u.profession) for u in members]
            teams.append(TeamStaff(team, sorted(staff), people[f"chef.{key}"].pk))
        providers = [
            {
                "groups": [recipients[name] for name in groups],
                "coordinator": recipients[coordinator],
                "coordinator_user": people["koordinator.dag"].pk,
            }
            for groups, coordinator in (
                (["Hemtjänst Centrum"], "Koordinator Omsorg Demo"),
                (["Hemtjänst Öster", "Hemtjänst Väster"], "Koordinator Demoköpings hemtjänst"),
            )
        ]
        bases = list(LegalBasis.objects.filter(municipality=town).order_by("sort_order"))
        org = Organisation(
            municipality=town,
            teams=teams,
            officer_ids=[people["handlaggare"].pk, people["handlaggare2"].pk],
            providers=providers,
            night_patrol=recipients["Nattpatrullen"],
            night_coordinator=recipients["Nattkoordinator"],
            night_user_id=people["koordinator.natt"].pk,
            alarm=recipients["Trygghetslarm (Demolarm AB)"],
            type_ids=[t.pk for t in InterventionType.objects.filter(municipality=town).order_by("pk")],
            bases_old=[(b.pk, b.needs_assessment) for b in bases if "2001:453" in b.name],
            bases_new=[(b.pk, b.needs_assessment) for b in bases if "2025:400" in b.name],
        )
        written = history(org, cases=cases, years=years, seed=2026, say=self.stdout.write)
        self.stdout.write(f"History: {written.get('cases_case', 0)} closed cases over {years} years.")

    def _recipients(self, town, users):
        """Hemtjänst as receivers: a private provider and the municipality's own, and the night side."""
        directory = [
            ("group", "Hemtjänst Centrum", "Omsorg Demo AB", "koordinator.dag omsorg-api"),
            ("coordinator_day", "Koordinator Omsorg Demo", "Omsorg Demo AB", "koordinator.dag omsorg-api"),
            ("group", "Hemtjänst Öster", "Demoköpings hemtjänst", "koordinator.dag"),
            ("group", "Hemtjänst Väster", "Demoköpings hemtjänst", "koordinator.dag"),
            ("coordinator_day", "Koordinator Demoköpings hemtjänst", "Demoköpings hemtjänst", "koordinator.dag"),
            ("night_patrol", "Nattpatrullen", "Demoköpings nattorganisation", "koordinator.natt"),
            ("coordinator_night", "Nattkoordinator", "Demoköpings nattorganisation", "koordinator.natt"),
            ("safety_alarm", "Trygghetslarm (Demolarm AB)", "Demolarm AB", ""),
        ]
        self.directory = {}
        for kind, name, provider, member in directory:
            recipient = Recipient.objects.create(municipality=town, kind=kind, name=name, provider=provider)
            recipient.members.add(*(users[name] for name in member.split()))
            self.directory[name] = recipient

    def _case(self, rng, index, target, officer, teams, types, basis, today, users):
        team = teams["norr"] if index % 3 else teams["soder"]
        number = fictional_personal_number(rng, coordination=(index == 7), year=1924 if index == 4 else None)
        client = services.client_register(
            actor=officer,
            personal_number=number,
            first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
            last_name=LAST_NAMES[index % len(LAST_NAMES)],
            street_address=f"Exempelgatan {index + 1}",
            postal_code=f"999 {index:02d}",
            city="Demoköping",
            phone=f"070-000 00 {index:02d}",
            protected_identity=(index == 12),
            # The providers link to the directory (issue 8); one client has an alarm that is not in it.
            hemtjanst_group_unit=self.directory[
                rng.choice(["Hemtjänst Centrum", "Hemtjänst Öster", "Hemtjänst Väster"])
            ]
            if index % 5 or target in (CaseState.HANDED_OVER, CaseState.CLOSED)
            else None,
            safety_alarm_unit=self.directory["Trygghetslarm (Demolarm AB)"] if index % 2 and index != 3 else None,
            safety_alarm="Larmcentralen Norrland" if index == 3 else "",
            night_service_unit=self.directory["Nattpatrullen"] if index % 4 == 0 else None,
            relatives=[
                {
                    "name": f"{FIRST_NAMES[(index + 5) % 20]} {LAST_NAMES[index % 10]}",
                    "relation": "Dotter",
                    "phone": f"073-000 11 {index:02d}",
                    "email": "",
                    "is_primary_contact": True,
                }
            ],
        )
        # Every case is dated from today, so a demo seeded on any day shows the same life: active cases on
        # different days of their support, one whose meeting is on the next working day, one whose consent
        # ends within two days, one past its end (overdue); new referrals come home tomorrow.
        length = team.usual_support_days
        start = today - dt.timedelta(days=self._started_days_ago(index, target, team, length, today))
        admitted = start - dt.timedelta(days=rng.randint(3, 12))
        staff = users["usk.norr"] if team.name.endswith("Norr") else users["usk.soder"]
        with _on(start, dt.time(9), today):
            referral = case_args(
                client, start, admitted, target, ready_days_before=READY_DAYS_BEFORE_REFERRAL.get(index, 0)
            )
            case = self._case_until_start(rng, referral, target, officer, team, staff, types, basis, today)
            if case is None:
                return
            self._first_day(rng, case, staff)
        self._log_past_visits(rng, case, staff, today)
        if target == CaseState.READMITTED:
            services.case_readmit(actor=staff, case=case, reason="Återinlagd på Demosjukhuset efter fall.")
            return
        self._messages(case, target, officer, staff, users)

    def _started_days_ago(self, index, target, team, length, today) -> int:
        """How many days ago the case's support started (0 for cases not started)."""
        if target == CaseState.ACTIVE:
            plan = ACTIVE_PLAN[(index - STATE_PLAN.index(CaseState.ACTIVE)) % len(ACTIVE_PLAN)]
            if plan == "meeting_tomorrow":
                # Day 6 on the next day both the team and the case officers work: "a meeting tomorrow".
                meeting_day = calendar.first_meeting_day_from(team, team.municipality, today + dt.timedelta(days=1))
                return max(0, (today - (meeting_day - dt.timedelta(days=team.follow_up_day - 1))).days)
            if plan == "overdue":
                return length  # the decision ended yesterday and the case is still active
            return plan
        return {
            CaseState.HANDED_OVER: length - 2,
            CaseState.CLOSED: length - 1,
            CaseState.READMITTED: 3,
        }.get(target, 0)

    def _case_until_start(self, rng, referral, target, officer, team, staff, types, basis, today):
        """Referral, consent, decision and start, on the day the support starts. None when the case ends
        before a decision (declined, withdrawn) or waits (referred, decided)."""
        start = referral["ready_for_discharge_at"].date()
        case = services.referral_register(
            actor=officer,
            source=rng.choice([Referral.Source.HOSPITAL, Referral.Source.HOSPITAL, Referral.Source.SHORT_TERM]),
            source_unit=rng.choice(
                ["Demosjukhuset, avd 12 geriatrik", "Demosjukhuset, avd 4 ortopedi", "Korttidsboendet Lugnet"]
            ),
            reason=rng.choice(
                [
                    "Fall i hemmet med höftfraktur; oro inför hemgång, bor ensam.",
                    "Pneumoni; nedsatt ork och rörelseförmåga, behöver stöd med ADL.",
                    "Hjärtsvikt; behöver stöd med måltider och läkemedel, orolig att vara ensam.",
                ]
            ),
            triage=Referral.Triage.GREEN if target == CaseState.DECLINED else rng.choice(["yellow", "red"]),
            **referral,
        )
        length = team.usual_support_days
        if target == CaseState.DECLINED:
            services.case_decline(actor=officer, case=case, reason="Grön triage: klarar sig med befintlig hemtjänst.")
            return None
        if target == CaseState.REFERRED:
            return None
        services.consent_record(
            actor=officer,
            case=case,
            given_on=start,
            given_by=Consent.GivenBy.CLIENT,
            form=Consent.Form.WRITTEN,
            scope="Informationsöverföring mellan hemgångsteam och hemtjänst.",
            # The client agrees to every receiver the form offers (the group, its coordinator, the night side).
            receivers=selectors.consent_receiver_choices(case),
        )
        if target == CaseState.WITHDRAWN:
            services.case_withdraw(actor=officer, case=case, reason="Brukaren tackar nej till hemgångsteam.")
            return None
        chosen = rng.sample(types, k=3)
        services.decision_register(
            actor=officer,
            case=case,
            team=team,
            legal_basis=basis,
            needs_assessed=True,
            decided_on=start,
            start_date=start,
            end_date=start + dt.timedelta(days=length - 1),
            purpose="Trygg hemgång efter sjukhusvistelse: öka tryggheten och förmågan att klara vardagen själv.",
            goals="Klara personlig hygien och förflyttning själv; känna sig trygg hemma.",
            # Support runs longer than the 10-day consent: the demo shows consent to renew.
            consent_gap_accepted=True,
            interventions=[
                InterventionLine(
                    intervention_type_id=t.pk,
                    times=rng.choice([1, 2, 3]),
                    per=Intervention.Per.DAY,
                    minutes=rng.choice([15, 20, 30, 45]),
                    part_of_day=rng.choice(["morning", "day", "evening"]),
                )
                for t in chosen
            ],
        )
        if target == CaseState.DECIDED:
            return None
        with _on(start, dt.time(10), today):
            return services.case_start(actor=staff, case=case)

    def _first_day(self, rng, case, staff):
        journal_sign(
            actor=staff,
            case=case,
            kind="social",
            text="Första besöket: brukaren är trött men glad att vara hemma. Gick med rollator till köket. "
            "Känner sig trygg när larmet är på.",
        )
        care_plan_update(
            actor=staff,
            case=case,
            watch_for=rng.choice(
                [
                    "Fallrisk: rollatorn ska stå vid sängen.",
                    "Ta fram vattenglas, dricker för lite.",
                    "Orolig på kvällarna, ring dottern vid behov.",
                ]
            ),
        )

    def _log_past_visits(self, rng, case, staff, today):
        """The visits of the days before today are logged as they happened, each at its end; today's
        are left for the team to document."""
        midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
        for visit in case.visits.filter(status=Visit.Status.PLANNED, planned_start__lt=midnight):
            end = visit.planned_end
            with time_machine.travel(end + dt.timedelta(minutes=10), tick=False):
                scheduling.visit_log(
                    actor=staff,
                    visit=visit,
                    performed=True,
                    actual_start=visit.planned_start,
                    actual_end=end,
                    outcomes={
                        row.pk: rng.choice(["together", "together", "for_client"])
                        for row in visit.visit_interventions.all()
                    },
                    client_condition=rng.choice(
                        ["Pigg och glad.", "Trött i dag, sov dåligt.", "Gick själv till köket med rollator."]
                    ),
                    experienced_safety=rng.randint(5, 9),
                )

    def _messages(self, case, target, officer, staff, users):
        """The written routine with hemtjänst: start notice and invitation sent and partly acknowledged; for
        the later cases the handover and the closing, acknowledged so that the case closes by itself."""
        if not Message.objects.filter(case=case).exists():
            return  # no hemtjänst receivers for this client
        if not case.has_valid_consent():
            services.consent_record(
                actor=officer,
                case=case,
                given_on=timezone.localdate(),
                given_by=Consent.GivenBy.CLIENT,
                form=Consent.Form.ORAL,
                scope="Informationsöverföring mellan hemgångsteam och hemtjänst (förnyat).",
                receivers=selectors.consent_receiver_choices(case),
            )
        coordinator = users["koordinator.dag"]
        for message in Message.objects.filter(case=case, sent_at__isnull=True):
            handover.message_send(actor=staff, message=message)
        first = Message.objects.filter(case=case, kind=Message.Kind.START_NOTICE).first()
        if case.pk % 2 and first:
            for delivery in first.deliveries.filter(recipient__members=coordinator):
                handover.message_acknowledge(actor=coordinator, delivery=delivery)
        if target not in (CaseState.HANDED_OVER, CaseState.CLOSED):
            return
        handover.handover_save(
            actor=staff,
            case=case,
            working_methods="Brukaren duschar själv med pall och stödhandtag; personalen finns i närheten och "
            "uppmuntrar. Frukost gör brukaren själv, lunch värms i mikron med påminnelse.",
            aids="Rollator, duschpall, griptång, trygghetslarm.",
            goals_outcome="Klara dusch själv med tillsyn: uppnått. Gå till brevlådan: delvis uppnått.",
            contacts="Dottern (se närstående). Distriktssköterska vid vårdcentralen Demo.",
            watch_for="Fallrisk på kvällen; drick mer vatten.",
        )
        handover.message_send(actor=staff, message=handover.handover_draft_message(actor=staff, case=case))
        if target == CaseState.CLOSED:
            handover.message_send(actor=staff, message=handover.closing_draft_message(actor=staff, case=case))
            for delivery in Delivery.objects.filter(
                message__case=case, acknowledged_at__isnull=True, message__kind__in=["final_handover", "closing_notice"]
            ):
                handover.message_acknowledge(actor=delivery.recipient.members.first(), delivery=delivery)
