"""The generated municipalities' organisation: teams, staff, the hemtjänst directory and catalogues.

Created through the ORM (a few dozen rows, with their history). Every login has the demo password, so
the page benchmarks can sign in as each role: `<prefix>.handlaggare1`, `<prefix>.usk1.<team>`,
`<prefix>.chef.<team>`, `<prefix>.koordinator1`, `<prefix>.nattkoordinator`, `<prefix>.admin`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from cases.models import InterventionType, LegalBasis, Municipality, Profession, Recipient, Role, Team, User

from ..management.commands.seed_demo import DEMO_PASSWORD, INTERVENTION_TYPES, LEGAL_BASES

# (slug, name, working days, hours, capacity, usual days, longest)
LARGE_TEAMS = [
    ("norr", "Hemgångsteam Norr", "every_day", (7, 22), 15, 10, 28),
    ("soder", "Hemgångsteam Söder", "weekdays", (8, 16), 12, 10, 14),
    ("oster", "Trygghetsteam Öster", "every_day", (7, 22), 15, 14, 28),
    ("vaster", "Hemgångsteam Väster", "every_day", (7, 21), 12, 10, 21),
]
SMALL_TEAMS = [("team", "Hemgångsteamet", "weekdays", (8, 16), 8, 10, 14)]
STAFF = [
    (Profession.USK, 3),
    (Profession.SSK, 1),
    (Profession.AT, 1),
    (Profession.FT, 1),
    (Profession.DIETIST, 1),
]
# (provider, its groups); each provider has a day coordinator. The night side is the municipality's own.
PROVIDERS = [
    ("Omsorg Exempel AB", ["Hemtjänst Centrum", "Hemtjänst Öster"]),
    ("Kommunens hemtjänst", ["Hemtjänst Väster", "Hemtjänst Norr", "Hemtjänst Söder"]),
]


@dataclass
class TeamStaff:
    team: Team
    staff: list  # (user id, profession)
    manager_id: int

    def of(self, *professions) -> list[int]:
        return [pk for pk, profession in self.staff if profession in professions]


@dataclass
class Organisation:
    municipality: Municipality
    teams: list[TeamStaff]
    officer_ids: list[int]
    # provider → {"groups": [Recipient], "coordinator": Recipient, "coordinator_user": id}
    providers: list[dict]
    night_patrol: Recipient
    night_coordinator: Recipient
    night_user_id: int
    alarm: Recipient
    type_ids: list[int]
    # (legal basis id, needs assessment) before and after SoL 2025:400 came into force
    bases_old: list[tuple[int, bool]] = field(default_factory=list)
    bases_new: list[tuple[int, bool]] = field(default_factory=list)


NEW_SOL = dt.date(2025, 7, 1)


def create(*, name: str, code: str, prefix: str, teams: list) -> Organisation:
    """A municipality with its teams (seven staff and a unit manager each), case officers, coordinators
    and the catalogues (the demo's intervention types and legal bases)."""
    password = make_password(DEMO_PASSWORD)
    town = Municipality.objects.create(name=name, code=code, consent_validity_days=10)

    def user(username, first, last, role, **more):
        person = User(
            username=f"{prefix}.{username}",
            first_name=first,
            last_name=last,
            role=role,
            municipality=town,
            email=f"{prefix}.{username}@bench.example",
            password=password,
            is_staff=role == Role.ADMINISTRATOR,
            **more,
        )
        person.save()
        return person

    staffed = []
    for slug, team_name, days, (starts, ends), capacity, usual, longest in teams:
        team = Team.objects.create(
            municipality=town,
            name=team_name,
            area=slug.capitalize(),
            email=f"{prefix}.{slug}@bench.example",
            working_days=days,
            day_starts_at=dt.time(starts),
            day_ends_at=dt.time(ends),
            capacity=capacity,
            usual_support_days=usual,
            max_support_days=longest,
        )
        staff = []
        for profession, count in STAFF:
            for n in range(1, count + 1):
                member = user(
                    f"{profession}{n}.{slug}",
                    f"{profession.upper()}{n}",
                    team_name.split()[-1],
                    Role.TEAM_STAFF,
                    profession=profession,
                    team=team,
                )
                staff.append((member.pk, profession))
        manager = user(f"chef.{slug}", "Enhetschef", team_name.split()[-1], Role.UNIT_MANAGER, team=team)
        staffed.append(TeamStaff(team, staff, manager.pk))
    officers = [
        user(f"handlaggare{n}", f"Handläggare{n}", name, Role.CASE_OFFICER).pk for n in range(1, 2 + 2 * len(teams))
    ]
    user("admin", "Administratör", name, Role.ADMINISTRATOR)
    user("sjukhus-api", "Sjukhusets", "Integration", Role.INTEGRATION)

    providers = []
    for n, (provider, groups) in enumerate(PROVIDERS, start=1):
        coordinator_user = user(f"koordinator{n}", f"Koordinator{n}", provider, Role.COORDINATOR, shift="day")
        units = [Recipient.objects.create(municipality=town, kind="group", name=g, provider=provider) for g in groups]
        coordinator = Recipient.objects.create(
            municipality=town, kind="coordinator_day", name=f"Koordinator {provider}", provider=provider
        )
        for unit in [*units, coordinator]:
            unit.members.add(coordinator_user)
        providers.append({"groups": units, "coordinator": coordinator, "coordinator_user": coordinator_user.pk})
    night_user = user("nattkoordinator", "Nattkoordinator", name, Role.COORDINATOR, shift="night")
    night_patrol = Recipient.objects.create(municipality=town, kind="night_patrol", name="Nattpatrullen")
    night_coordinator = Recipient.objects.create(municipality=town, kind="coordinator_night", name="Nattkoordinator")
    for unit in (night_patrol, night_coordinator):
        unit.members.add(night_user)
    alarm = Recipient.objects.create(municipality=town, kind="safety_alarm", name="Trygghetslarm (Exempellarm AB)")

    types = [
        InterventionType.objects.create(municipality=town, name=t, sort_order=order).pk
        for order, t in enumerate(INTERVENTION_TYPES)
    ]
    bases = [
        LegalBasis.objects.create(municipality=town, name=b, needs_assessment=needs, sort_order=order)
        for order, (b, needs) in enumerate(LEGAL_BASES)
    ]
    return Organisation(
        municipality=town,
        teams=staffed,
        officer_ids=officers,
        providers=providers,
        night_patrol=night_patrol,
        night_coordinator=night_coordinator,
        night_user_id=night_user.pk,
        alarm=alarm,
        type_ids=types,
        bases_old=[(b.pk, b.needs_assessment) for b in bases if "2001:453" in b.name],
        bases_new=[(b.pk, b.needs_assessment) for b in bases if "2025:400" in b.name],
    )


def load(code: str) -> Organisation:
    """The organisation of a municipality `create` made, read back (to add more history to it)."""
    town = Municipality.objects.get(code=code)
    teams = []
    for team in Team.objects.filter(municipality=town).order_by("pk"):
        members = User.objects.filter(team=team).order_by("pk")
        staff = [(u.pk, u.profession) for u in members if u.role == Role.TEAM_STAFF]
        manager = next(u.pk for u in members if u.role == Role.UNIT_MANAGER)
        teams.append(TeamStaff(team, staff, manager))
    users = User.objects.filter(municipality=town)
    recipients = {r.name: r for r in Recipient.objects.filter(municipality=town).prefetch_related("members")}
    providers = []
    for provider, groups in PROVIDERS:
        coordinator = recipients[f"Koordinator {provider}"]
        providers.append(
            {
                "groups": [recipients[g] for g in groups],
                "coordinator": coordinator,
                "coordinator_user": coordinator.members.all()[0].pk,
            }
        )
    bases = list(LegalBasis.objects.filter(municipality=town).order_by("sort_order"))
    return Organisation(
        municipality=town,
        teams=teams,
        officer_ids=list(users.filter(role=Role.CASE_OFFICER).order_by("pk").values_list("pk", flat=True)),
        providers=providers,
        night_patrol=recipients["Nattpatrullen"],
        night_coordinator=recipients["Nattkoordinator"],
        night_user_id=recipients["Nattpatrullen"].members.all()[0].pk,
        alarm=recipients["Trygghetslarm (Exempellarm AB)"],
        type_ids=list(InterventionType.objects.filter(municipality=town).order_by("pk").values_list("pk", flat=True)),
        bases_old=[(b.pk, b.needs_assessment) for b in bases if "2001:453" in b.name],
        bases_new=[(b.pk, b.needs_assessment) for b in bases if "2025:400" in b.name],
    )
