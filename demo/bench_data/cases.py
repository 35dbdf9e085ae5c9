"""Each case's life, generated as the services would have recorded it, up to `now`.

A case is drawn from its referral onwards — consent, decision, start, visits, the day-6 meeting,
messages and receipts, the handover and the close — and only what has happened by `now` is written:
a case referred a week ago is active today with its later visits planned, its meeting booked, its last
messages not yet acknowledged. So the history is closed and the present is alive, from the same code.
Every change of state leaves the event `cases.lifecycle` records, with the payloads of the services.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, override

from cases.identity import parse_identity_number
from cases.models import (
    AccessLog,
    Case,
    CaseEvent,
    Client,
    Consent,
    Decision,
    Intervention,
    Recipient,
    Referral,
    Relative,
)
from handover.models import CaseRecipient, Delivery, HandoverIntervention, HandoverSummary, Message, MessageRead
from measures.models import CopmGoal, IbicRating, KatzAssessment, SafetyRating
from scheduling import calendar
from scheduling.models import CarePlan, FollowUpMeeting, JournalEntry, MeetingParticipant, Visit, VisitIntervention

from ..management.commands.seed_demo import FIRST_NAMES, LAST_NAMES
from .organisation import NEW_SOL, Organisation

MODELS = [
    Client,
    Relative,
    Case,
    Referral,
    Consent,
    Decision,
    Intervention,
    CaseEvent,
    CaseRecipient,
    CarePlan,
    FollowUpMeeting,
    MeetingParticipant,
    Visit,
    VisitIntervention,
    JournalEntry,
    Message,
    Delivery,
    MessageRead,
    HandoverSummary,
    HandoverIntervention,
    SafetyRating,
    KatzAssessment,
    CopmGoal,
    IbicRating,
    AccessLog,
]
E = CaseEvent.Kind
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
NEVER = dt.datetime.max.replace(tzinfo=dt.UTC)
READS = ["case.detail", "home.team_cases", "home.case_list", "board.day", "journal.read", "meeting.view", "inbox"]
SUMMARY = "Sammanfattning från hemgångsteamet: insatserna utförs enligt planen, brukaren tränar förflyttning."
REPLY = "Dagens sammanfattning från hemtjänsten: besöken gick bra, brukaren åt frukost själv."
CONDITIONS = ["Pigg och glad.", "Trött i dag, sov dåligt.", "Gick själv till köket med rollator.", "Orolig i kväll."]
SOCIAL = "Brukaren duschade med stöd, gick med rollator till köket och kände sig trygg med larmet."
HEALTH = "Blodtryck och vikt kontrollerade, läkemedel enligt lista. Gångträning i trappan."


def aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


@dataclass
class ClientSlot:
    pk: int
    group: Recipient
    coordinator: Recipient
    coordinator_user: int
    night: bool
    names: tuple[str, str]
    free_from: dt.datetime = NEVER


@dataclass
class Life:
    """The case being drawn: what has happened to it so far."""

    pk: int
    team_id: int | None = None
    state: str = "referred"
    changed_at: dt.datetime | None = None
    reason: str = ""
    ended_at: dt.datetime | None = None
    consents: list = field(default_factory=list)  # (id, given_on, valid_until)

    @property
    def running(self) -> bool:
        return self.state in ("active", "handed_over")

    def consent_on(self, day: dt.date) -> int | None:
        return next((pk for pk, given, until in self.consents if given <= day <= until), None)


class Generator:
    """Draws cases for one municipality's organisation into a `tables.Writer`."""

    def __init__(self, org: Organisation, writer, *, rng, now: dt.datetime):
        self.org, self.w, self.rng, self.now = org, writer, rng, now
        self.town = org.municipality
        self.clients: list[ClientSlot] = []
        self.numbers: set[str] = set(
            Client.objects.filter(municipality=self.town).values_list("personal_number", flat=True)
        )
        self.meeting_days: dict = {}
        with override("sv"):
            self.closed_reason = gettext(
                "Closed automatically: hemtjänst has acknowledged both the handover and the closing notice."
            )
            self.officer_unit = gettext("Case officer")

    # --- the arrivals ---------------------------------------------------------------------------

    def arrivals(self, *, cases: int, first: dt.date, last: dt.date, present_days: int):
        """`cases` referrals spread over `first`–`last` (closed by `now`), and for each team about one a
        day over the last `present_days` before today (the present: open cases and their work)."""
        rng, teams = self.rng, self.org.teams
        today = timezone.localdate(self.now)
        span = (last - first).days
        moments = []
        present = []
        for back in range(present_days, -1, -1):
            for ts in teams:
                for _ in range(2):
                    if rng.random() < 0.45:
                        present.append((today - dt.timedelta(days=back), ts))
        for _ in range(max(0, cases - len(present))):
            moments.append((first + dt.timedelta(days=rng.randrange(span + 1)), rng.choice(teams)))
        moments.sort(key=lambda m: m[0])
        for day, ts in [*moments, *present]:
            received = aware(day, dt.time(rng.randint(7, 15), rng.randrange(0, 60, 5)))
            if received <= self.now:
                yield received, ts

    # --- the client -----------------------------------------------------------------------------

    def personal_number(self) -> str:
        rng = self.rng
        while True:
            birth = dt.date(rng.randint(1920, 1955), rng.randint(1, 12), rng.randint(1, 28))
            day = birth.day + (60 if rng.random() < 0.02 else 0)
            yymmdd = f"{birth:%y%m}{day:02d}"
            serial = f"{rng.randint(900, 999)}"
            digits = yymmdd + serial
            check = (10 - sum(sum(divmod(int(c) * (2 - i % 2), 10)) for i, c in enumerate(digits)) % 10) % 10
            number = f"{birth:%Y}{yymmdd[2:]}{serial}{check}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def client_for(self, received: dt.datetime) -> ClientSlot:
        """An earlier client coming back (a quarter of the cases) when they have no open case, else a new one."""
        rng = self.rng
        if self.clients and rng.random() < 0.25:
            slot = self.clients[rng.randrange(max(0, len(self.clients) - 3000), len(self.clients))]
            if slot.free_from < received:
                return slot
        number = self.personal_number()
        provider = rng.choice(self.org.providers)
        group = rng.choice(provider["groups"])
        night = rng.random() < 0.2
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        pk = self.w[Client].add(
            municipality_id=self.town.pk,
            personal_number=number,
            id_kind=parse_identity_number(number, today=timezone.localdate(self.now)).kind,
            first_name=first,
            last_name=last,
            street_address=f"Exempelgatan {rng.randint(1, 200)}",
            postal_code=f"999 {rng.randint(10, 99)}",
            city=self.town.name,
            phone=f"070-000 {rng.randint(10, 99)} {rng.randint(10, 99)}",
            protected_identity=rng.random() < 0.015,
            hemtjanst_group_unit_id=group.pk,
            safety_alarm_unit_id=self.org.alarm.pk if rng.random() < 0.5 else None,
            night_service_unit_id=self.org.night_patrol.pk if night else None,
            created_at=received,
        )
        if rng.random() < 0.8:
            self.w[Relative].add(
                client_id=pk,
                name=f"{rng.choice(FIRST_NAMES)} {last}",
                relation=rng.choice(["Dotter", "Son", "Make", "Maka", "Granne"]),
                phone=f"073-000 {rng.randint(10, 99)} {rng.randint(10, 99)}",
                is_primary_contact=True,
            )
        slot = ClientSlot(pk, group, provider["coordinator"], provider["coordinator_user"], night, (first, last))
        self.clients.append(slot)
        return slot

    # --- one case -------------------------------------------------------------------------------

    def happened(self, at: dt.datetime) -> bool:
        return at <= self.now

    def event(self, life: Life, at, kind, actor, payload=None, from_state="", to_state=""):
        self.w[CaseEvent].add(
            case_id=life.pk,
            municipality_id=self.town.pk,
            team_id=life.team_id,
            kind=kind,
            from_state=from_state,
            to_state=to_state,
            actor_id=actor,
            means="web",
            at=at,
            payload=payload or {},
        )

    def move(self, life: Life, to: str, at, actor, *, reason="", payload=None) -> bool:
        """`cases.lifecycle.case_transition`: the state, its time and reason, and the move's one event."""
        if not self.happened(at):
            return False
        kind = {
            "decided": E.DECIDED,
            "active": E.STARTED,
            "handed_over": E.HANDOVER_SENT,
            "closed": E.CLOSED,
            "declined": E.DECLINED,
            "withdrawn": E.WITHDRAWN,
            "readmitted": E.READMITTED,
        }[to]
        full = {**({"reason": reason} if reason else {}), **(payload or {})}
        self.event(life, at, kind, actor, full, life.state, to)
        life.state, life.changed_at, life.reason = to, at, reason
        if to in ("closed", "declined", "withdrawn", "readmitted"):
            life.ended_at = at
        return True

    def case(self, received: dt.datetime, ts) -> str:
        rng, w, org = self.rng, self.w, self.org
        team = ts.team
        officer = rng.choice(org.officer_ids)
        client = self.client_for(received)
        life = Life(pk=w[Case].reserve(), changed_at=received)
        day0 = timezone.localdate(received)
        source = rng.choices(["hospital", "short_term", "hemtjanst"], weights=[75, 15, 10])[0]
        wait = rng.choices([0, 1, 2, 3, 4, 5, 6, 7], weights=[45, 22, 9, 6, 6, 5, 4, 3])[0]
        if source == "hemtjanst":
            ready_at, admitted, start_day = None, None, day0 + dt.timedelta(days=rng.randint(0, 2))
        else:
            ready_at = max(received, aware(day0 + dt.timedelta(days=rng.randint(0, 1)), dt.time(rng.randint(8, 12))))
            admitted = day0 - dt.timedelta(days=rng.randint(2, 12))
            start_day = timezone.localdate(ready_at) + dt.timedelta(days=wait)
        triage = "green" if rng.random() < 0.06 else rng.choice(["yellow", "yellow", "red"])
        w[Referral].add(
            case_id=life.pk,
            source=source,
            source_unit=rng.choice(
                ["Länssjukhuset, avd 12 geriatrik", "Länssjukhuset, avd 4 ortopedi", "Korttids Lugnet"]
            ),
            admitted_on=admitted,
            ready_for_discharge_at=ready_at,
            planned_homecoming_on=start_day,
            reason=rng.choice(["Fall i hemmet med höftfraktur.", "Pneumoni, nedsatt ork.", "Hjärtsvikt, oro."]),
            triage=triage,
            received_at=received,
        )
        self.event(life, received, E.REFERRED, officer, {"source": source, "triage": triage}, "", "referred")
        self.reads(life, client, ts, officer, received, n=rng.randint(2, 6))
        if triage == "green":
            self.move(life, "declined", received + rng.randint(2, 26) * HOUR, officer, reason="Grön triage.")
            return self.finish(life, client, ts, officer, received)

        decided_on = min(start_day, day0 + dt.timedelta(days=rng.randint(0, 1)))
        consent_at = max(aware(decided_on, dt.time(10, rng.randrange(0, 60, 5))), received + 15 * MINUTE)
        if not self.happened(consent_at):
            return self.finish(life, client, ts, officer, received)
        self.consent(life, officer, decided_on, consent_at, renews=None)
        if rng.random() < 0.03:
            self.move(life, "withdrawn", consent_at + rng.randint(1, 20) * HOUR, officer, reason="Tackar nej.")
            return self.finish(life, client, ts, officer, received)

        length = max(8, min(team.max_support_days, team.usual_support_days + rng.choice([-1, 0, 0, 0, 1, 2, 4])))
        end_day = start_day + dt.timedelta(days=length - 1)
        decided_at = consent_at + 30 * MINUTE
        if not self.happened(decided_at):
            return self.finish(life, client, ts, officer, received)
        decision_id, interventions = self.decision(life, officer, decided_on, start_day, end_day, decided_at, team)
        life.team_id = team.pk
        self.move(
            life,
            "decided",
            decided_at,
            officer,
            payload={
                "decision_id": decision_id,
                "start_date": start_day.isoformat(),
                "end_date": end_day.isoformat(),
                "team_id": team.pk,
                "team": team.name,
                "over_capacity": False,
            },
        )
        homecoming = max(aware(start_day, dt.time(rng.randint(10, 13), rng.randrange(0, 60, 15))), decided_at + HOUR)
        staff = ts.of("usk")
        starter = rng.choice(staff)
        if not self.move(life, "active", homecoming, starter, payload={"homecoming_at": homecoming.isoformat()}):
            return self.finish(life, client, ts, officer, received, homecoming=None)
        self.running(life, client, ts, officer, homecoming, start_day, end_day, interventions, decided_on)
        return self.finish(life, client, ts, officer, received, homecoming=homecoming)

    def finish(self, life: Life, client: ClientSlot, ts, officer, received, homecoming=None) -> str:
        self.w[Case].add(
            id=life.pk,
            municipality_id=self.town.pk,
            client_id=client.pk,
            team_id=life.team_id,
            case_officer_id=officer,
            registered_by_id=officer,
            state=life.state,
            state_changed_at=life.changed_at,
            state_reason=life.reason,
            created_at=received,
            ended_at=life.ended_at,
            homecoming_at=homecoming,
        )
        client.free_from = life.ended_at or NEVER
        return life.state

    def consent(self, life: Life, officer, given_on: dt.date, at, *, renews) -> None:
        until = given_on + dt.timedelta(days=self.town.consent_validity_days - 1)
        pk = self.w[Consent].add(
            case_id=life.pk,
            given_on=given_on,
            valid_until=until,
            given_by="client",
            form=self.rng.choice(["written", "written", "oral"]),
            scope="Informationsöverföring mellan hemgångsteam och hemtjänst.",
            recorded_by_id=officer,
            recorded_at=at,
            renews_id=renews,
        )
        life.consents.append((pk, given_on, until))
        payload = {"consent_id": pk, "given_on": given_on.isoformat(), "valid_until": until.isoformat()}
        kind = E.CONSENT_RENEWED if renews else E.CONSENT_RECORDED
        self.event(life, at, kind, officer, {**payload, "given_by": "client"})

    def decision(self, life, officer, decided_on, start_day, end_day, at, team):
        rng = self.rng
        basis, needs = rng.choice(self.org.bases_old if decided_on < NEW_SOL else self.org.bases_new)
        pk = self.w[Decision].add(
            case_id=life.pk,
            legal_basis_id=basis,
            needs_assessed=needs,
            decided_by_id=officer,
            decided_on=decided_on,
            start_date=start_day,
            end_date=end_day,
            purpose="Trygg hemgång efter sjukhusvistelse.",
            goals="Klara personlig hygien och förflyttning själv.",
            created_at=at,
        )
        parts = ["morning", "day"] + (["evening"] if team.day_ends_at >= dt.time(21) else [])
        interventions = []
        for type_id in rng.sample(self.org.type_ids, k=rng.randint(2, 3)):
            row = {"times": rng.choice([1, 1, 1, 2]), "minutes": rng.choice([15, 20, 30, 45])}
            row["part"] = rng.choice(parts)
            row["pk"] = self.w[Intervention].add(
                decision_id=pk,
                intervention_type_id=type_id,
                times=row["times"],
                per="day",
                minutes=row["minutes"],
                part_of_day=row["part"],
            )
            interventions.append(row)
        return pk, interventions

    # --- the support ----------------------------------------------------------------------------

    def running(self, life, client, ts, officer, homecoming, start_day, end_day, interventions, decided_on):
        rng, w = self.rng, self.w
        usk = ts.of("usk")
        receivers = [(client.group.pk, client.coordinator_user), (client.coordinator.pk, client.coordinator_user)]
        if client.night:
            receivers += [(self.org.night_patrol.pk, self.org.night_user_id)] * 1
            receivers += [(self.org.night_coordinator.pk, self.org.night_user_id)]
        for recipient_id, _user in receivers:
            w[CaseRecipient].add(case_id=life.pk, recipient_id=recipient_id, added_by_id=officer, added_at=homecoming)
        w[CarePlan].add(
            case_id=life.pk, watch_for="Fallrisk: rollatorn vid sängen.", updated_by_id=usk[0], updated_at=homecoming
        )

        # How the support ends: readmitted on some day (a twentieth), or the handover on the last day.
        readmit_at = None
        if rng.random() < 0.05:
            k = rng.randint(1, max(1, (end_day - start_day).days - 2))
            readmit_at = aware(start_day + dt.timedelta(days=k), dt.time(15))
            if not self.happened(readmit_at):
                readmit_at = None  # what lies ahead is not known yet
        stop = readmit_at or NEVER

        meeting = self.meeting(life, client, ts, officer, homecoming, start_day)
        self.visits(life, ts, homecoming, start_day, end_day, interventions, stop)

        # Consent runs 10 days; a longer support has it renewed the day before it ends (now and then late).
        pk, _given, until = life.consents[0]
        while until < end_day:
            # Late (a day without consent: nothing may go to hemtjänst) only in the present, where it
            # gives the consent reminders their work; the history renews on time and so closes.
            late = end_day >= timezone.localdate(self.now) - 3 * DAY and rng.random() < 0.35
            day = until + (2 * DAY if late else -DAY)
            at = aware(day, dt.time(11, rng.randrange(0, 60, 5)))
            if not self.happened(at) or at > stop:
                break
            self.consent(life, officer, day, at, renews=pk)
            pk, _given, until = life.consents[-1]

        # The written routine with hemtjänst (001).
        sent = homecoming + 30 * MINUTE
        notice = self.message(life, ts, "start_notice", sent, rng.choice(usk), receivers, stop)
        invitation = self.message(life, ts, "meeting_invitation", sent + 10 * MINUTE, officer, receivers, stop)
        for acks, _ in (notice, invitation):
            self.confirm(life, meeting, acks)
        for day in sorted(rng.sample(range(2, (end_day - start_day).days), k=rng.randint(1, 2))):
            at = aware(start_day + dt.timedelta(days=day), dt.time(15, rng.randrange(0, 60, 5)))
            self.message(life, ts, "summary", at, rng.choice(usk), receivers, stop)
        for day in rng.sample(range(1, (end_day - start_day).days), k=rng.randint(1, 2)):
            at = aware(start_day + dt.timedelta(days=day), dt.time(20, rng.randrange(0, 60, 5)))
            self.message(life, ts, "summary", at, client.coordinator_user, [(None, None)], stop, sender=client.group.pk)
        self.journal(life, ts, start_day, end_day, stop)
        self.measures(life, ts, officer, homecoming, start_day, end_day, meeting, stop)
        self.meeting_written(life, meeting, stop)
        self.reads(life, client, ts, officer, homecoming, n=rng.randint(30, 70))

        if readmit_at is not None:
            self.move(life, "readmitted", readmit_at, rng.choice(usk), reason="Återinlagd efter fall.")
            return
        handover_at = aware(end_day, dt.time(11, rng.randrange(0, 60, 5)))
        if not self.happened(handover_at):
            return
        author = rng.choice(usk)
        summary = w[HandoverSummary].add(
            case_id=life.pk,
            working_methods="Brukaren duschar själv med pall; personalen finns i närheten och uppmuntrar.",
            aids="Rollator, duschpall, trygghetslarm.",
            goals_outcome="Dusch med tillsyn: uppnått.",
            author_id=author,
            updated_at=handover_at - 30 * MINUTE,
        )
        for row in interventions:
            w[HandoverIntervention].add(summary_id=summary, intervention_id=row["pk"], how_done_now="Som i planen.")
        final, message_id = self.message(life, ts, "final_handover", handover_at, author, receivers, stop)
        if message_id is None:
            return  # refused (no valid consent that day): the case stays open after its end
        payload = {"message_id": message_id, "message_kind": "final_handover", "direction": "to_hemtjanst"}
        self.move(life, "handed_over", handover_at, author, payload=payload)
        closing, _ = self.message(life, ts, "closing_notice", handover_at + 10 * MINUTE, author, receivers, stop)
        acks = final + closing
        if acks and all(acks):
            last_at, last_by = max(acks)
            self.move(life, "closed", last_at, last_by, reason=self.closed_reason, payload={"automatic": True})

    def meeting(self, life, client, ts, officer, homecoming, start_day):
        """Booked at the start on day 6 (or the next day both the team and the case officers work)."""
        rng, team = self.rng, ts.team
        key = (team.pk, start_day)
        if key not in self.meeting_days:
            self.meeting_days[key] = calendar.follow_up_meeting_day(team, self.town, start_day)
        starts_at = aware(self.meeting_days[key], dt.time(rng.randint(10, 13)))
        meeting = {"pk": self.w[FollowUpMeeting].reserve(), "starts_at": starts_at, "participants": {}}
        self.event(
            life,
            homecoming + 5 * MINUTE,
            E.MEETING_BOOKED,
            officer,
            {"meeting_id": meeting["pk"], "starts_at": starts_at.isoformat()},
        )
        meeting["row"] = {
            "id": meeting["pk"],
            "case_id": life.pk,
            "starts_at": starts_at,
            "minutes": 60,
            "location": "Hemma hos brukaren",
            "chair_id": officer,
        }
        roles = [
            ("client", " ".join(client.names), None),
            ("team", team.name, None),
            ("hemtjanst_day", client.group.name, None),
        ]
        if client.night:
            roles.append(("hemtjanst_night", self.org.night_patrol.name, None))
        roles.append(("case_officer", "Handläggare", officer))
        meeting["participants"] = {role: {"role": role, "name": name, "user_id": user} for role, name, user in roles}
        return meeting

    def confirm(self, life, meeting, acks) -> None:
        """A receipt of the notice or invitation by the coordinator, with a representative, confirms the
        meeting for hemtjänst (handover's `_confirm_meeting`)."""
        for ack in acks:
            if ack is None:
                continue
            at, user = ack
            role = "hemtjanst_night" if user == self.org.night_user_id else "hemtjanst_day"
            participant = meeting["participants"].get(role)
            if participant is None or participant.get("confirmed_at") or at > meeting["starts_at"]:
                continue
            participant["confirmed_at"], participant["representative"] = at, "Kontaktperson hemtjänst"
            payload = {"meeting_id": meeting["pk"], "role": role, "representative": "Kontaktperson hemtjänst"}
            self.event(life, at, E.MEETING_CONFIRMED, user, payload)

    def meeting_written(self, life, meeting, stop) -> None:
        rng, row = self.rng, meeting["row"]
        ends = row["starts_at"] + HOUR
        recent = row["starts_at"] > self.now - 3 * DAY
        outcome_at = ends + rng.randint(15, 90) * MINUTE
        if recent and rng.random() < 0.3:
            outcome_at = aware(timezone.localdate(ends) + DAY, dt.time(9))
        if row["starts_at"] > stop:
            row.update(status="cancelled")
        elif self.happened(outcome_at):
            support = rng.choice(["none", "hemtjanst", "hemtjanst", "extended"])
            row.update(
                status="held",
                continued_needs="Behöver stöd med dusch och inköp.",
                further_support=support,
                outcome_recorded_by_id=row["chair_id"],
                outcome_recorded_at=outcome_at,
            )
            payload = {
                "meeting_id": row["id"],
                "starts_at": row["starts_at"].isoformat(),
                "further_support": support,
                "corrected": False,
            }
            self.event(life, outcome_at, E.MEETING_HELD, row["chair_id"], payload)
        self.w[FollowUpMeeting].add(**row)
        for participant in meeting["participants"].values():
            self.w[MeetingParticipant].add(meeting_id=row["id"], **participant)

    def visits(self, life, ts, homecoming, start_day, end_day, interventions, stop) -> None:
        """Planned at the start for every working day of the decision, by part of the day (scheduling's
        plan); logged as they happen, a few never documented; cancelled after the support ended."""
        rng, team = self.rng, ts.team
        by_part: dict[str, list] = {}
        for row in interventions:
            if calendar.slot_within_team_hours(team, row["part"]):
                by_part.setdefault(row["part"], []).append(row)
        slots = {part: calendar.slot_within_team_hours(team, part) for part in by_part}
        staff = ts.of("usk", "usk", "ssk")
        day = start_day
        while day <= end_day:
            if calendar.team_works_on(team, day):
                for part, rows in by_part.items():
                    first, last = slots[part]
                    count = max(r["times"] for r in rows)
                    window = (last.hour - first.hour) * 60
                    for k in range(count):
                        included = [r for r in rows if r["times"] > k]
                        minutes = max(15, min(480, sum(r["minutes"] for r in included)))
                        offset = (window * k // count) // 15 * 15 + rng.randrange(0, 4) * 15
                        start = aware(day, first) + offset * MINUTE
                        if start < homecoming:
                            continue
                        self.visit(life, ts, start, minutes, included, rng.choice(staff), stop)
            day += DAY

    def visit(self, life, ts, start, minutes, included, assigned, stop) -> None:
        rng = self.rng
        end = start + minutes * MINUTE
        row = {
            "case_id": life.pk,
            "team_id": ts.team.pk,
            "planned_start": start,
            "planned_minutes": minutes,
            "assigned_to_id": assigned,
        }
        outcome = ""
        if start > stop:
            row.update(status="cancelled", cancel_reason="Stödet avslutat: återinlagd.")
        elif end <= self.now:
            r = rng.random()
            logged_at = end + rng.randint(5, 90) * MINUTE
            if r < 0.012 or not self.happened(logged_at):
                pass  # never documented (or not yet): Ej dokumenterat
            elif r < 0.027:
                row.update(
                    status="not_done",
                    not_done_reason="Brukaren avböjde besöket.",
                    logged_by_id=assigned,
                    logged_at=logged_at,
                )
            else:
                actual_start = start + rng.randint(-10, 10) * MINUTE
                row.update(
                    status="done",
                    actual_start=actual_start,
                    actual_end=actual_start + max(5, minutes + rng.randint(-10, 10)) * MINUTE,
                    client_condition=rng.choice(CONDITIONS),
                    experienced_safety=rng.randint(4, 10) if rng.random() < 0.5 else None,
                    logged_by_id=assigned,
                    logged_at=logged_at,
                )
                outcome = "done"
        visit = self.w[Visit].add(**row)
        for r in included:
            how = rng.choice(["together", "together", "for_client"]) if outcome else ""
            self.w[VisitIntervention].add(visit_id=visit, intervention_id=r["pk"], outcome=how)

    def message(self, life, ts, kind, sent_at, author, receivers, stop, *, sender=None):
        """A message sent under the consent valid that day, with a delivery per receiver and its receipt
        when it has come (`handover.services`): returns ([(ack time, by whom) or None], message id)."""
        rng, w = self.rng, self.w
        consent = life.consent_on(timezone.localdate(sent_at))
        if not self.happened(sent_at) or sent_at > stop or consent is None or not life.running:
            return [], None
        to_team = sender is not None
        pk = w[Message].add(
            case_id=life.pk,
            kind=kind,
            direction="to_team" if to_team else "to_hemtjanst",
            subject=f"Hemgångsteam: {Message.Kind(kind).label}",
            body=REPLY if to_team else SUMMARY,
            author_id=author,
            sender_recipient_id=sender,
            created_at=sent_at - 5 * MINUTE,
            sent_at=sent_at,
            consent_id=consent,
        )
        payload = {"message_id": pk, "message_kind": kind, "direction": "to_team" if to_team else "to_hemtjanst"}
        if to_team:
            self.event(life, sent_at, E.MESSAGE_RECEIVED, author, {**payload, "sender": "Hemtjänst"})
        elif kind != "final_handover":
            self.event(life, sent_at, E.MESSAGE_SENT, author, payload)
        acks, readers = [], set()
        for recipient_id, member in receivers:
            by = rng.choice(ts.of("usk")) if to_team else member
            delay = rng.choices(
                [rng.randint(10, 180), rng.randint(180, 1440), rng.randint(1440, 4320)], weights=[60, 30, 10]
            )[0]
            at = sent_at + delay * MINUTE
            delivery = {"message_id": pk, "recipient_id": recipient_id, "team_id": ts.team.pk if to_team else None}
            if self.happened(at):
                delivery.update(acknowledged_at=at, acknowledged_by_id=by)
            delivery_id = w[Delivery].add(**delivery)
            if not self.happened(at):
                acks.append(None)
                continue
            acks.append((at, by))
            receipt = {"message_id": pk, "message_kind": kind, "delivery_id": delivery_id, "receiver": "Hemtjänst"}
            self.event(life, at, E.MESSAGE_ACKNOWLEDGED, by, receipt)
            if by not in readers:
                readers.add(by)
                w[MessageRead].add(message_id=pk, user_id=by, read_at=at)
        return acks, pk

    def journal(self, life, ts, start_day, end_day, stop) -> None:
        rng, team = self.rng, ts.team
        day = start_day
        while day <= end_day:
            evening = aware(day, (dt.datetime.combine(day, team.day_ends_at) - 30 * MINUTE).time())
            if evening > stop or not self.happened(evening):
                break
            if rng.random() < 0.6:
                self.w[JournalEntry].add(
                    case_id=life.pk,
                    kind="social",
                    text=SOCIAL,
                    author_id=rng.choice(ts.of("usk")),
                    author_profession="usk",
                    signed_at=evening,
                )
            if rng.random() < 0.25:
                # The nurse or a therapist; a team with only USK (the demo's Söder): one of them.
                author = rng.choice([one for one in ts.staff if one[1] != "usk"] or ts.staff)
                self.w[JournalEntry].add(
                    case_id=life.pk,
                    kind="health",
                    text=HEALTH,
                    author_id=author[0],
                    author_profession=author[1],
                    signed_at=evening - HOUR,
                )
            day += DAY

    def measures(self, life, ts, officer, homecoming, start_day, end_day, meeting, stop) -> None:
        """SKL's "Steg 2": safety and Katz ADL at start and end, COPM goals, IBIC at start and follow-up."""
        rng, w = self.rng, self.w
        # A team without a therapist of its own (the demo's Söder) has its USK rate the measures.
        usk, therapist = rng.choice(ts.of("usk")), rng.choice(ts.of("at", "ft") or ts.of("usk"))
        at_start = homecoming + HOUR
        at_end = aware(end_day, dt.time(10))
        ended = self.happened(at_end) and at_end <= stop
        safety = rng.randint(2, 7)
        w[SafetyRating].add(case_id=life.pk, phase="start", score=safety, recorded_by_id=usk, recorded_at=at_start)
        katz = [rng.random() < 0.5 for _ in range(6)]
        names = ["bathing", "dressing", "toileting", "transfer", "continence", "feeding"]
        w[KatzAssessment].add(
            case_id=life.pk,
            phase="start",
            recorded_by_id=therapist,
            recorded_at=at_start,
            **dict(zip(names, katz, strict=True)),
        )
        if ended:
            w[SafetyRating].add(
                case_id=life.pk,
                phase="end",
                score=min(10, safety + rng.randint(-1, 4)),
                recorded_by_id=usk,
                recorded_at=at_end,
            )
            better = [a or rng.random() < 0.3 for a in katz]
            w[KatzAssessment].add(
                case_id=life.pk,
                phase="end",
                recorded_by_id=therapist,
                recorded_at=at_end,
                **dict(zip(names, better, strict=True)),
            )
        for priority in range(1, rng.randint(1, 3) + 1):
            performance, satisfaction = rng.randint(1, 6), rng.randint(1, 6)
            w[CopmGoal].add(
                case_id=life.pk,
                priority=priority,
                problem=rng.choice(["Duscha själv", "Gå till brevlådan", "Laga frukost", "Handla"]),
                performance_start=performance,
                satisfaction_start=satisfaction,
                performance_end=min(10, performance + rng.randint(0, 4)) if ended else None,
                satisfaction_end=min(10, satisfaction + rng.randint(0, 4)) if ended else None,
                recorded_by_id=therapist,
                recorded_at=at_start + DAY,
            )
        follow_up = meeting["row"]["starts_at"]
        for area in ("d4", "d5", "d6", "security"):
            level = rng.randint(1, 4)
            w[IbicRating].add(
                case_id=life.pk, area=area, phase="start", level=level, recorded_by_id=officer, recorded_at=at_start
            )
            if self.happened(follow_up) and follow_up <= stop:
                w[IbicRating].add(
                    case_id=life.pk,
                    area=area,
                    phase="follow_up",
                    level=max(0, level - rng.randint(0, 2)),
                    recorded_by_id=officer,
                    recorded_at=follow_up,
                )

    def reads(self, life, client, ts, officer, since, *, n: int) -> None:
        """The access log: who opened the client's data while the case was worked on."""
        rng = self.rng
        until = min(self.now, since + 20 * DAY)
        seconds = max(60, int((until - since).total_seconds()))
        readers = [(officer, self.officer_unit), (ts.manager_id, ts.team.name)] + [
            (pk, ts.team.name) for pk, _p in ts.staff
        ]
        for _ in range(n):
            user, unit = rng.choice(readers)
            self.w[AccessLog].add(
                at=since + dt.timedelta(seconds=rng.randrange(seconds)),
                user_id=user,
                municipality_id=self.town.pk,
                client_id=client.pk,
                case_id=life.pk,
                what=rng.choice(READS),
                unit=unit,
                path=f"/arenden/{life.pk}/",
                ip_address=f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            )
