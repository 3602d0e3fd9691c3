"""The data set of the attack suite: a registry with a canary in every confidential place.

Everything is written through the services, as staff would write it, so the history tables, the
change feed, alerts and webhook deliveries hold what they hold in production. Every name is
invented. `plant()` returns the canaries, the API keys of each caller and the people by state.
"""

import datetime
import json
import secrets
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import choices, services
from cases.models import (
    AuditEntry,
    Case,
    CaseEvent,
    Charge,
    Contradiction,
    DuplicateCandidate,
    FacilityStay,
    Hearing,
    ImportRun,
    ImportRunLine,
    Jurisdiction,
    KeptCell,
    Organisation,
    ParticularRisk,
    PartnerAPIKey,
    Person,
    PrisonerContact,
    Region,
    RiskAssessment,
    Source,
    Submission,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.protection import fields as protection_fields
from cases.protection.permissions import EDITOR, PUBLISHER, SOURCES, VIEWER, sync_groups
from cases.risk.assessment import assess_case
from cases.services import NameSpec, claims, intake, merging
from cases.transfer.law_loader import load_law
from cases.transfer.notation import parse_charges
from tests.factories import FacilityFactory, UserFactory, article, jurisdiction
from tests.security.audiences import is_public_person, owner
from tests.security.canaries import (
    ANYONE,
    CONTACTS,
    OWN_SUBMISSIONS,
    OWN_WEBHOOKS,
    RESTRICTED,
    CanaryRegistry,
)

D = datetime.date
Scope = PartnerAPIKey.Scope
Script, Kind = choices.Script, choices.NameKind

# The API keys of the crawl: one per scope (all of the partner organisation).
KEY_SCOPES = {f"key:{scope.value}": [scope.value] for scope in Scope}
# Words that every hidden person of one state carries next to their canary name: searching for
# them is searching for the hidden people without sending a canary.
HIDDEN_SURNAMES = {"draft": "Draftovich", "withdrawn": "Withdrawnenko", "merged": "Mergedovsky"}
PUBLISHED_SURNAME = "Testavy"


@dataclass
class PlantedRegistry:
    canaries: CanaryRegistry
    keys: dict  # caller -> raw API key
    people: dict  # label -> Person
    facilities: list


def plant() -> PlantedRegistry:
    """Write the whole data set; the caller's transaction holds it (and rolls it back)."""
    if not Jurisdiction.objects.exists():  # a transactional test elsewhere flushed the law data
        load_law()
    if not Group.objects.exists():
        sync_groups()
    canaries = CanaryRegistry()
    planter = _Planter(canaries)
    registry = planter.plant_everything()
    plant_remaining_encrypted_fields(canaries)
    register_hidden_ids(canaries)
    return registry


class _Planter:
    def __init__(self, canaries: CanaryRegistry):
        self.c = canaries
        regions = list(Region.objects.filter(jurisdiction__code="BY").order_by("code"))
        self.region_public, self.region_hidden = regions[0], regions[1]
        self.facility_shared, self.facility_withdrawn, self.facility_empty = (
            FacilityFactory(),
            FacilityFactory(),
            FacilityFactory(),
        )

    # The cast ----------------------------------------------------------------------------------

    def staff(self):
        c = self.c
        self.editor = UserFactory(
            username=c.text("staff username (Editor, Publisher)").lower(),
            email=f"{c.text('staff e-mail').lower()}@registry.test",
            first_name=c.word("staff first name"),
            last_name=c.word("staff last name"),
            groups=[EDITOR, PUBLISHER],
        )
        self.sources_member = UserFactory(
            username=c.text("staff username (Sources group)").lower(),
            email=f"{c.text('staff e-mail (Sources group)').lower()}@registry.test",
            groups=[VIEWER, SOURCES],
        )

    def partners(self):
        c = self.c
        self.partner = Organisation.objects.create(
            name=c.text("organisation name (the keys' own)"),
            contact_email=f"{c.text('organisation contact e-mail').lower()}@partner.test",
        )
        self.other_partner = Organisation.objects.create(name=c.text("organisation name (another)"))
        self.keys = {}
        for caller, scopes in KEY_SCOPES.items():
            _, raw = PartnerAPIKey.objects.create_key(
                name=c.text(f"API key name ({caller})"),
                organisation=self.partner,
                scopes=scopes,
                issued_to=self.sources_member,
            )
            c.add(raw, f"raw API key ({caller})")
            self.keys[caller] = raw
        subscriptions = [
            (self.other_partner, "webhook of another organisation", ()),
            (self.partner, "webhook of the keys' own organisation", (OWN_WEBHOOKS,)),
            (None, "webhook registered by staff", ()),
        ]
        for organisation, place, audience in subscriptions:
            WebhookSubscription.objects.create(
                organisation=organisation.name if organisation else c.text(f"{place}: organisation"),
                partner=organisation,
                url=f"https://{c.text(f'{place}: URL', audience).lower()}.example.org/hook",
                secret=c.text(f"{place}: secret"),
            )

    # Sources -----------------------------------------------------------------------------------

    def sources(self):
        c = self.c
        self.public_source = services.save_detail(
            instance=Source(
                kind="publication",
                title="Synthetic public report",
                url="https://example.org/public-report",
                confidential=False,
            )
        )
        self.confidential_source = services.save_detail(
            instance=Source(
                kind="relative",
                title=c.text("confidential source: title"),
                url=f"https://example.org/{c.text('confidential source: url')}",
                confidential=True,
                contact=c.text("confidential source: contact"),
            )
        )
        # A public source cited only by an internal event: who sees the event may see it.
        self.internal_only_source = services.save_detail(
            instance=Source(
                kind="publication",
                title=c.text("public source cited only by an internal event: title", [RESTRICTED]),
                url=f"https://example.org/{c.text('source cited only internally: url', [RESTRICTED])}",
                confidential=False,
            )
        )
        self.draft_only_source = services.save_detail(
            instance=Source(
                kind="publication",
                title=c.text("public source cited only by a draft person: title"),
                url="https://example.org/draft-only",
                confidential=False,
            )
        )

    # People ------------------------------------------------------------------------------------

    def _names(self, state: str, surname: str, *, canary_names: bool):
        c = self.c

        public_words = {"Belarusian": "Публічны", "Russian": "Публичный", "Latin": "Publichny"}

        def word(kind):
            return c.word(f"{state} person: {kind} name") if canary_names else public_words[kind]

        return [
            NameSpec(
                f"{word('Belarusian')} {surname}", Script.BE_CYRILLIC, Kind.OFFICIAL_BE, is_primary=True
            ),
            NameSpec(f"{word('Russian')} {surname}", Script.RU_CYRILLIC, Kind.OFFICIAL_RU),
            NameSpec(f"{word('Latin')} {surname}", Script.LATIN, Kind.PASSPORT_LATIN),
        ]

    def _person(self, state, surname, *, canary_names=True, region=None, notes_audience=()):
        c = self.c
        person = services.create_person(
            names=self._names(state, surname, canary_names=canary_names),
            region=region,
            sex=choices.Sex.MALE,
            birth_date=D(1980, 5, 1),
            birth_date_precision=choices.DatePrecision.DAY,
            is_official_or_military=False,
            occupation="Engineer",
            internal_notes=c.text(f"{state} person: internal notes", notes_audience),
            contacts=c.text(f"{state} person: contacts"),
            by=self.editor,
        )
        return person

    def _case(self, person, state, *, hidden: bool, facility, capital=True):
        """A case with a capital charge, a reclassification, a stay and events of both kinds."""
        c = self.c

        def text(place, audience=()):
            return c.text(f"{state} person: {place}", audience) if hidden else f"Public {place}"

        case = services.create_case(
            person=person,
            jurisdiction=jurisdiction(),
            detention_date=D(2022, 3, 1),
            detention_place=text("detention place (public event text)"),
            case_number=text("case number"),
            court=text("court"),
            investigating_body=text("investigating body"),
            by=self.editor,
        )
        if capital:
            services.add_charge(
                case=case,
                article=article("289.3"),
                offence_date=D(2022, 2, 20),
                charged_on=D(2022, 3, 2),
                source=self.confidential_source,
                by=self.editor,
            )
        reclassified = services.add_charge(
            case=case,
            article=article("218.2"),
            offence_date=D(2022, 2, 20),
            charged_on=D(2022, 3, 2),
            source=self.draft_only_source if state == "draft" else self.public_source,
            by=self.editor,
        )
        services.reclassify_charge(
            charge=reclassified,
            to_article=article("289.1"),
            on=D(2022, 6, 1),
            source=self.confidential_source,
            note=c.text(f"{state} person: reclassification note"),
            by=self.editor,
        )
        services.transfer_person(case=case, facility=facility, on=D(2022, 3, 2), by=self.editor)
        internal_audience = () if hidden else [RESTRICTED]
        services.record_event(
            case=case,
            kind="other",
            date=D(2022, 4, 1),
            text=c.text(f"{state} person: internal event text", internal_audience),
            is_public=False,
            sources=[self.confidential_source, self.internal_only_source],
            by=self.editor,
        )
        services.record_event(
            case=case,
            kind="trial",
            date=D(2022, 5, 1),
            text=text("public event text"),
            is_public=True,
            sources=[self.public_source, self.confidential_source],
            by=self.editor,
        )
        review = services.record_charge_to_review(
            case=case,
            text=c.text(f"{state} person: charge to review (text)"),
            reason=c.text(f"{state} person: charge to review (reason)"),
            by=self.editor,
        )
        services.resolve_charge_to_review(
            item=review, by=self.editor, note=c.text(f"{state} person: charge review note")
        )
        # read:restricted keys receive a published person's external identifiers (docs/api.md).
        services.add_external_identifier(
            person=person,
            scheme="prisoners-list",
            value=c.text(f"{state} person: external identifier", internal_audience),
            by=self.editor,
        )
        # Court hearings (issue 19, point 3), in the weeks the public calendar and its feed show: a
        # public one, and one staff keep internal (no key reads it: the API lists public hearings).
        # An internal note is staff only, whoever reads.
        soon = timezone.localdate() + datetime.timedelta(days=10)
        services.schedule_hearing(
            case=case,
            court=text("hearing court (public hearing)"),
            day=soon,
            time=datetime.time(10, 0),
            room=text("hearing room"),
            note=text("hearing note (public hearing)"),
            internal_note=c.text(f"{state} person: hearing internal note"),
            is_public=True,
            sources=[self.confidential_source],
            by=self.editor,
        )
        services.schedule_hearing(
            case=case,
            court=c.text(f"{state} person: court of an internal hearing"),
            day=soon + datetime.timedelta(days=1),
            note=c.text(f"{state} person: note of an internal hearing"),
            internal_note=c.text(f"{state} person: internal hearing's internal note"),
            is_public=False,
            by=self.editor,
        )
        # Their page on the list holds no canary, so the crawl looks people up by it without
        # sending one (as HIDDEN_SURNAMES does for names).
        services.add_external_identifier(
            person=person,
            scheme="url",
            value=f"https://list.example.org/p/{state}-{secrets.token_hex(4)}",
            by=self.editor,
        )
        return case

    def _alerts(self, case, state):
        """Assess the case (a capital charge raises the level): an alert, and webhook deliveries
        to every subscriber if the person is published; then triage it."""
        assessment = assess_case(case_id=case.id)
        assert assessment is not None and hasattr(assessment, "alert"), "the capital charge raised no alert"
        alert = services.resolve_alert(
            alert=assessment.alert, note=self.c.text(f"{state} person: alert resolution note"), by=self.editor
        )
        WebhookDelivery.objects.filter(alert=alert).update(
            last_error=self.c.text(f"{state} person: webhook delivery error")
        )
        return alert

    def _contacts(self, person, state):
        """A family visit and a letter whose details are a family's word in confidence, the silence
        published (its day is public then; the details never are), and a contact reported by another
        partner organisation."""
        services.update_person(
            person=person,
            silence_public=True,
            letters_welcome=True,  # the "write a letter" page lists the published person only
            patronymic="Иванович" if state == "published" else self.c.word(f"{state} person: patronymic"),
            by=self.editor,
        )
        services.report_letters(
            person=person,
            organisation=self.partner,
            period_start=D(2026, 3, 1),
            period_end=D(2026, 3, 31),
            letters_sent=3,
            by=self.editor,
        )
        for channel, days in (("family_visit", 120), ("letter", 75)):
            services.record_contact(
                person=person,
                channel=channel,
                date=D(2026, 1, 1) + datetime.timedelta(days=days),
                details=self.c.text(f"{state} person: contact details ({channel})"),
                sources=[self.confidential_source],
                by=self.editor,
            )
        services.record_particular_risk(
            person=person,
            kind="denied_medical_care",
            date=D(2026, 2, 1),
            date_precision="month",
            details=self.c.text(f"{state} person: ill-treatment details (confidential item)"),
            sources=[self.confidential_source],
            by=self.editor,
        )
        services.record_particular_risk(
            person=person,
            kind="serious_illness",
            details=self.c.text(f"{state} person: illness details (public item)"),
            is_public=True,
            public_text="Has a serious heart condition (synthetic).",
            by=self.editor,
        )
        services.record_contact(
            person=person,
            channel="cellmate",
            date=D(2026, 3, 1),
            details=self.c.text(f"{state} person: contact details reported by another partner"),
            reported_by=self.other_partner,
        )

    def _wave(self):
        """A public release wave that the published and the withdrawn person were released in (its
        page lists the published one only), and a wave staff keep unpublished, named by a canary."""
        if not hasattr(self, "public_wave"):
            self.public_wave = services.create_wave(
                name="Public wave of June 2021 (synthetic)",
                date=D(2021, 6, 1),
                counterpart="A synthetic envoy",
                destination_country="LT",
                sources=[self.public_source],
                by=self.editor,
            )
            services.create_wave(
                name=self.c.text("unpublished release wave: name"),
                date=D(2021, 7, 1),
                in_return=self.c.text("unpublished release wave: what was announced in return"),
                is_public=False,
                sources=[self.confidential_source],
                by=self.editor,
            )
        return self.public_wave

    def _earlier_release(self, person, state):
        """An earlier case the person was released from in a deal (issue 18): the family left
        behind is staff-only, whoever reads."""
        earlier = services.create_case(
            person=person, jurisdiction=jurisdiction(), detention_date=D(2020, 9, 1), by=self.editor
        )
        services.record_release(
            case=earlier,
            how="exchange",
            date=D(2021, 6, 1),
            destination_country="LT",
            documents_withheld="yes",
            family_left_behind=self.c.text(f"{state} person: family left behind on release"),
            sources=[self.confidential_source],
            wave=self._wave(),
            by=self.editor,
        )

    def published(self):
        self.person = self._person(
            "published", PUBLISHED_SURNAME, canary_names=False, notes_audience=[RESTRICTED]
        )
        services.update_person(
            person=self.person,
            region=self.region_public,
            biography=self.c.text("published person: biography (public)", [ANYONE]),
            by=self.editor,
        )
        self.case = self._case(self.person, "published", hidden=False, facility=self.facility_shared)
        self._earlier_release(self.person, "published")
        services.publish_person(person=self.person, by=self.editor)
        self._alerts(self.case, "published")
        self._contacts(self.person, "published")

    def withdrawn(self):
        """Published with everything a published person has, then withdrawn at the family's request."""
        person = self._person("withdrawn", HIDDEN_SURNAMES["withdrawn"], region=self.region_hidden)
        case = self._case(person, "withdrawn", hidden=True, facility=self.facility_withdrawn)
        self._earlier_release(person, "withdrawn")
        services.publish_person(person=person, by=self.editor)
        self._alerts(case, "withdrawn")
        services.withdraw_person(person=person, by=self.editor)
        self.c.add(person.slug, "withdrawn person: slug (their former public URL)")
        self.withdrawn_person = person

    def draft(self):
        person = self._person("draft", HIDDEN_SURNAMES["draft"], region=self.region_hidden)
        case = self._case(person, "draft", hidden=True, facility=self.facility_shared)
        self._alerts(case, "draft")
        self._contacts(person, "draft")
        self.c.add(person.slug, "draft person: slug")
        self.draft_person = person

    def merged(self):
        """Three merges: a draft into the draft (everything stays hidden), a draft into the
        published person (its names and case become public by design, its slug must not), and
        a published record into the published person (its old URL redirects, by design)."""
        c = self.c
        into_draft = self._person("merged into a draft", HIDDEN_SURNAMES["merged"])
        services.create_case(
            person=into_draft,
            jurisdiction=jurisdiction(),
            case_number=c.text("merged into a draft: case number"),
            by=self.editor,
        )
        c.add(into_draft.slug, "merged into a draft: slug")
        merging.merge_people(kept=self.draft_person, merged=into_draft, by=self.editor)

        into_published = self._person("draft merged into the published", "Dubliny", canary_names=False)
        c.add(into_published.slug, "draft merged into the published person: slug (never public)")
        merging.merge_people(kept=self.person, merged=into_published, by=self.editor)

        once_published = self._person("published, then merged", "Perenosny", canary_names=False)
        services.create_case(person=once_published, jurisdiction=jurisdiction(), detention_date=D(2023, 1, 5))
        services.publish_person(person=once_published, by=self.editor)
        merging.merge_people(kept=self.person, merged=once_published, by=self.editor)
        self.merged_people = {"merged into a draft": into_draft, "draft merged": into_published}
        self.merged_people["published merged"] = once_published

    # Partner submissions and the registry's own records ------------------------------------

    def submissions(self):
        c = self.c

        def payload(state):
            return {
                "name": f"{c.word(f'{state} submission: name')} Submittedov",
                "other_names": [f"{c.word(f'{state} submission: other name')} Submittedov"],
                "detention_date": D(2026, 1, 10),
                "detention_place": c.text(f"{state} submission: detention place"),
                "region": self.region_hidden.code,
                "articles": [c.text(f"{state} submission: article as reported"), "ч. 3 ст. 289"],
                "description": c.text(f"{state} submission: description"),
                "source_url": f"https://example.org/{c.text(f'{state} submission: source URL')}",
                "contact": c.text(f"{state} submission: reporter contact"),
            }

        intake.receive_submission(organisation=self.partner, payload=payload("pending"))
        accepted = intake.receive_submission(organisation=self.partner, payload=payload("accepted"))
        accepted = intake.accept_submission(
            submission=accepted,
            by=self.editor,
            read_articles=parse_charges,
            note=c.text("accepted submission: moderation note"),
        )
        c.add(accepted.person.slug, "accepted submission: its draft person's slug")
        self.submitted_person = accepted.person
        rejected = intake.receive_submission(organisation=self.other_partner, payload=payload("rejected"))
        intake.reject_submission(
            submission=rejected, by=self.editor, note=c.text("rejected submission: moderation note")
        )

    def records(self):
        c = self.c
        AuditEntry.objects.create(
            actor=f"staff:{self.sources_member.pk}",
            user=self.sources_member,
            action=AuditEntry.Action.READ,
            object_type="person",
            object_ids=[str(self.draft_person.public_id)],
            fields=["contacts"],
            via=f"GET /admin/cases/person/{c.text('audit entry: via')}/",
        )
        run = ImportRun.objects.create(
            created_by=self.editor,
            file_name=f"{c.text('import run: file name')}.xlsx",
            file_sha256="0" * 64,
            mapping="standard",
            state=ImportRun.State.IMPORTED,
            report={"columns": [{"column": c.text("import run: report"), "summary": ""}]},
        )
        run.lines.create(
            kind=ImportRunLine.Kind.WARNING,
            position=0,
            row=2,
            column=c.text("import run line: column"),
            text=c.text("import run line: text"),
        )
        # A list's free column kept verbatim with the run, on a published person: staff only.
        KeptCell.objects.create(
            run=run,
            row=2,
            column=c.text("kept cell: column"),
            text=c.text("kept cell: text"),
            reason=KeptCell.Reason.UNMAPPED,
            person=self.person,
        )
        # A claim from the confidential source on the published person, with a staff-only note: the
        # source stays "a confidential source" and the note stays in the staff area.
        claims.record_claim(
            fact="person.is_official_or_military",
            person=self.person,
            value=True,
            source=self.confidential_source,
            note=c.text("claim: note"),
            by=self.editor,
        )
        # The same on a facility stay's fact: a confidential source's other day for the stay.
        stay = FacilityStay.objects.filter(case__person=self.person, end_date__isnull=True).order_by("pk")[0]
        claims.record_claim(
            fact="stay.start_date",
            person=self.person,
            case=stay.case,
            stay=stay,
            value={"date": "2022-03-05", "precision": "day"},
            source=self.confidential_source,
            note=c.text("stay claim: note"),
            by=self.editor,
        )
        Contradiction.objects.create(
            person=self.person,
            case=self.person.cases.first(),
            kind=Contradiction.Kind.SOURCES_DISAGREE,
            text=c.text("contradiction: text"),
        )
        low, high = sorted([self.person, self.draft_person], key=lambda p: p.pk)
        DuplicateCandidate.objects.create(
            person_a=low, person_b=high, score=0.9, reasons=[c.text("duplicate candidate: reasons")]
        )

    def plant_everything(self) -> PlantedRegistry:
        self.staff()
        self.partners()
        self.sources()
        self.published()
        self.withdrawn()
        self.draft()
        self.merged()
        self.submissions()
        self.records()
        people = {
            "published": self.person,
            "withdrawn": self.withdrawn_person,
            "draft": self.draft_person,
            "accepted submission (draft)": self.submitted_person,
            **self.merged_people,
        }
        return PlantedRegistry(
            canaries=self.c,
            keys=self.keys,
            people={label: Person.objects.get(pk=p.pk) for label, p in people.items()},
            facilities=[self.facility_shared, self.facility_withdrawn, self.facility_empty],
        )


def register_hidden_ids(canaries: CanaryRegistry) -> None:
    """The public ids of what no key may read are canaries too: a draft's UUID in a list, a
    withdrawn person's case in the change feed. (A withdrawn person's own UUID is how the change
    feed tells mirrors to drop them: docs/api.md.)"""
    for person in Person.objects.all():
        if not is_public_person(person) and person.published_at is None:
            canaries.add(str(person.public_id), f"public id of a never-published person ({person.slug})")
    for model in (Case, Charge, CaseEvent, RiskAssessment, Hearing):
        for obj in model.objects.select_related("case__person" if model is not Case else "person"):
            person = owner(obj)
            what = f"public id of a {model.__name__} of a {person.publication_state} person ({person.slug})"
            if not is_public_person(person):
                canaries.add(str(obj.public_id), what)
            elif isinstance(obj, Hearing) and not obj.is_public:
                canaries.add(str(obj.public_id), f"public id of an internal hearing ({person.slug})")
            elif isinstance(obj, CaseEvent) and not obj.is_public:
                canaries.add(
                    str(obj.public_id), f"public id of an internal event ({person.slug})", [RESTRICTED]
                )
    for contact in PrisonerContact.objects.select_related("person"):
        what = (
            f"public id of a contact with a {contact.person.publication_state} person ({contact.person.slug})"
        )
        canaries.add(str(contact.public_id), what, [CONTACTS] if is_public_person(contact.person) else [])
    for item in ParticularRisk.objects.select_related("person"):
        if not (item.is_public and is_public_person(item.person)):
            what = f"public id of a particular-risk item no key may see ({item.person.slug})"
            canaries.add(str(item.public_id), what)
    for submission in Submission.objects.select_related("organisation"):
        # The keys of the crawl are all of one organisation: they read back its submissions only.
        own = submission.organisation.api_keys.exists()
        canaries.add(
            str(submission.public_id),
            f"public id of a {submission.state} partner submission ({'own' if own else 'another'})",
            [OWN_SUBMISSIONS] if own else [],
        )


# Encrypted fields, by construction -------------------------------------------------------------


# Every field encrypted at rest: the marker class of all of them where the project has one
# (EncryptedTextField, EncryptedJSONField), else the text field itself.
ENCRYPTED_FIELD = getattr(protection_fields, "EncryptedField", protection_fields.EncryptedTextField)


def encrypted_fields():
    """(model, field) for every encrypted field of every installed model, history tables too."""
    return [
        (model, f)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, ENCRYPTED_FIELD)
    ]


def plant_remaining_encrypted_fields(canaries: CanaryRegistry) -> None:
    """A field encrypted at rest is confidential: one that the data set above left without a
    canary (a new model or field) gets one in every row, written with `update()`. A field no row
    can hold (a constraint refuses it) or a model with no row fails here, naming the field."""
    for model, f in encrypted_fields():
        if holds_a_canary(model, f.name, canaries):
            continue
        for pk in list(model._base_manager.values_list("pk", flat=True)):
            value = f"CANARY-{secrets.token_hex(6)}"
            try:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(**{f.name: value})
            except IntegrityError:  # this row's state refuses a value (e.g. a public source's contact)
                continue
            canaries.add(value, f"{model._meta.label}.{f.name} (row {pk}, planted generically)")
        assert holds_a_canary(model, f.name, canaries), (
            f"{model._meta.label}.{f.name} is encrypted, so confidential, but no row of the planted data "
            "can hold a canary: add a row of it to tests/security/planting.py"
        )


def holds_a_canary(model, name, canaries) -> bool:
    values = model._base_manager.values_list(name, flat=True)
    text = "\n".join(json.dumps(v, ensure_ascii=False) for v in values if v).lower()
    return bool(canaries.found_in(text))
