"""The whole registry as one file: a staff export that loads losslessly into another
installation, and a public export of the published subset. See docs/export.md.

Everything is named by what travels between installations (public ids, slugs, jurisdiction
codes, article natural keys), never by a database id. Exports stream: people are read a chunk
at a time with their related rows prefetched per chunk, and written as they are read.

What the public export holds is not defined here: it is what the anonymous API gives
(`api.serializers`, the explicit public field lists), so the two cannot drift apart.
"""

import csv
import datetime
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from cases import choices
from cases.exceptions import RefusedChange
from cases.identity.names import name_key
from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    ChargeToReview,
    Claim,
    ExternalIdentifier,
    Facility,
    FacilityStay,
    Hearing,
    Jurisdiction,
    LetterCount,
    NameSource,
    Organisation,
    ParticularRisk,
    Person,
    PersonName,
    PrisonerContact,
    Reclassification,
    Region,
    Release,
    RiskAssessment,
    Source,
    TranslatedContent,
)
from cases.protection.permissions import SOURCES_GROUP_FIELDS
from cases.risk.assessment import digest
from cases.transfer.formulas import neutralise
from cases.transfer.notation import ParsedCharge, format_charge

FORMAT = "registry-export"
VERSION = 1
STAFF = "staff"
PUBLIC = "public"
AUDIENCES = (STAFF, PUBLIC)
CHUNK = 500
BATCH = 1000


class ImportRefused(RefusedChange):
    """The file cannot be loaded; nothing was written. The message says why."""


def _check_audience(audience: str) -> None:
    if audience not in AUDIENCES:
        raise ValueError(f"Unknown audience {audience!r}; expected one of {', '.join(AUDIENCES)}.")


# Values ---------------------------------------------------------------------------------------


def _value(value):
    """JSON for dates, times and UUIDs, to the microsecond (DjangoJSONEncoder drops microseconds)."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, default=_value)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _datetime(value):
    return datetime.datetime.fromisoformat(value) if value else None


# Reference data (small: read whole) ---------------------------------------------------------------


class _References:
    """Database ids of the small reference tables to the natural keys that travel."""

    def __init__(self):
        self.jurisdictions = dict(Jurisdiction.objects.values_list("pk", "code"))
        self.articles = {
            pk: [self.jurisdictions[j], number, part]
            for pk, j, number, part in Article.objects.values_list("pk", "jurisdiction", "number", "part")
        }
        self.regions = {
            pk: [self.jurisdictions[j], code]
            for pk, j, code in Region.objects.values_list("pk", "jurisdiction", "code")
        }
        self.facilities = dict(Facility.objects.values_list("pk", "slug"))


def _jurisdiction_records(refs: _References) -> list[dict]:
    return [
        {"code": code, "law_checksum": checksum}
        for code, checksum in Jurisdiction.objects.order_by("code").values_list("code", "data_checksum")
    ]


def _used_articles(refs: _References, people) -> list[list[str]]:
    ids = Charge.objects.filter(person__in=people).order_by().values_list("article_id", flat=True).distinct()
    return sorted(refs.articles[pk] for pk in ids)


def _used_regions(refs: _References, people) -> list[list[str]]:
    ids = set(people.exclude(region=None).order_by().values_list("region_id", flat=True).distinct())
    ids |= set(
        Facility.objects.exclude(region=None).order_by().values_list("region_id", flat=True).distinct()
    )
    return sorted(refs.regions[pk] for pk in ids)


FACILITY_FIELDS = (
    "kind",
    "regime",
    "name_en",
    "name_be",
    "name_ru",
    "short_name",
    "other_names",
    "postcode",
    "postal_address",
    "needs_review",  # a facility proposed from a list's cell stays to be confirmed where it goes
)


def _facility_record(facility: Facility, refs: _References) -> dict:
    return {
        "slug": facility.slug,
        "jurisdiction": refs.jurisdictions[facility.jurisdiction_id],
        "region": refs.regions.get(facility.region_id),
        **{name: getattr(facility, name) for name in FACILITY_FIELDS},
    }


SOURCE_FIELDS = (
    "kind",
    "title",
    "url",
    "published_on",
    "confidential",
    "contact",
    "reliability",
    "import_list",
)


def _source_record(source: Source) -> dict:
    return {
        "public_id": source.public_id,
        **{name: getattr(source, name) for name in SOURCE_FIELDS},
        "created_at": source.created_at,
    }


# The staff record of a person ------------------------------------------------------------------

PERSON_FIELDS = (
    "public_id",
    "slug",
    "sex",
    "birth_date",
    "birth_date_precision",
    "is_official_or_military",
    "citizenship",
    "occupation",
    "biography",
    "content_language",
    "translations",
    "internal_notes",
    "contacts",
    "publication_state",
    "published_at",
    "created_at",
    "updated_at",
    "silence_public",
    "patronymic",
    "letters_welcome",
)
LETTER_FIELDS = ("period_start", "period_end", "letters_sent")
HEARING_FIELDS = (
    "public_id",
    "kind",
    "starts_at",
    "time_known",
    "court",
    "room",
    "openness",
    "state",
    "note",
    "internal_note",
    "is_public",
    "created_at",
    "updated_at",
)
PARTICULAR_RISK_FIELDS = (
    "public_id",
    "kind",
    "date",
    "date_precision",
    "ended_on",
    "details",
    "is_public",
    "public_text",
    "created_at",
)
# A contact with the person in custody (issue 19): its details are confidential, as internal notes.
CONTACT_FIELDS = ("public_id", "channel", "date", "date_precision", "details", "created_at")
# What only the Sources group may see (cases.protection.permissions): a staff export for anyone else leaves
# out confidential sources and every contact, and cannot be imported (it is not lossless).
SOURCES_GROUP_PERSON_FIELDS = SOURCES_GROUP_FIELDS["person"]
CASE_FIELDS = (
    "public_id",
    "case_number",
    "investigating_body",
    "detention_date",
    "detention_date_precision",
    "detention_place",
    "status",
    "court",
    "judge",
    "prosecutor",
    "verdict_date",
    "verdict_date_precision",
    "verdict_final_on",
    "verdict_final_on_precision",
    "sentence_kind",
    "sentence_years",
    "sentence_months",
    "sentence_regime",
    "recognised_on",
    "recognised_on_precision",
    "recognised_by",
    "recognition_statement_url",
    "recognition_criteria",
    "created_at",
    "updated_at",
)
# The current risk is carried as it is, with the assessment history (see docs/export.md).
RISK_FIELDS = ("risk_level", "risk_stale", "risk_generation", "risk_assessed_generation", "risk_assessed_at")
CHARGE_FIELDS = (
    "stage",
    "offence_date",
    "offence_date_precision",
    "state",
    "charged_on",
    "charged_on_precision",
    "ended_on",
    "created_at",
)
EVENT_FIELDS = (
    "kind",
    "date",
    "date_precision",
    "text",
    "content_language",
    "translations",
    "is_public",
    "created_at",
)
ASSESSMENT_FIELDS = (
    "level",
    "previous_level",
    "rules_version",
    "law_checksum",
    "generation",
    "assessed_on",
    "created_at",
)
REVIEW_FIELDS = (
    "text",
    "article_number",
    "part",
    "stage",
    "reason",
    "created_at",
    "resolved_at",
    "resolution_note",
)

# What each source says of a fact (docs/claims.md): every claim, superseded ones included, with its
# source by public id. Who recorded or decided it travels as the history does: not at all.
CLAIM_FIELDS = (
    "fact",
    "value",
    "as_of",
    "as_of_precision",
    "state",
    "priority",
    "priority_reason",
    "note",
    "created_at",
    "decided_at",
)


STAY_FIELDS = ("start_date", "start_date_precision", "end_date", "end_date_precision")
# The release's day is its timeline entry's (in "events"); the family left behind is staff-confidential,
# like a person's internal notes.
RELEASE_FIELDS = (
    "how",
    "destination_country",
    "documents_withheld",
    "family_left_behind",
    "created_at",
    "updated_at",
)
# Every other source that gives a spelling, as of when (the first is the name's own source).
NAME_SOURCE_FIELDS = ("as_of", "as_of_precision", "created_at")


def _claims_prefetch(queryset=None) -> Prefetch:
    claims = Claim.objects.all() if queryset is None else queryset
    claims = claims.select_related("source", "charge", "stay")
    return Prefetch(
        "claims", queryset=claims.order_by("fact", "created_at", "public_id"), to_attr="export_claims"
    )


def _claim_records(record) -> list[dict]:
    return [
        {
            "public_id": claim.public_id,
            **{name: getattr(claim, name) for name in CLAIM_FIELDS},
            "source": _public_id(claim.source),
            "charge": _public_id(claim.charge),
            "stay": _public_id(claim.stay),
        }
        for claim in record.export_claims
    ]


def _staff_people():
    by_uuid = F("public_id").asc()
    charges = Charge.objects.select_related(
        "source", "reclassified_into", "reclassification__source", "reclassification__to_charge"
    ).order_by(F("charged_on").asc(nulls_first=True), by_uuid)
    events = (
        CaseEvent.objects.select_related("charge")
        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("public_id")))
        .order_by("date", by_uuid)
    )
    stays = FacilityStay.objects.select_related("facility").order_by(
        "start_date", F("end_date").asc(nulls_last=True), "facility__slug"
    )
    cases = (
        Case.objects.select_related("release")
        .order_by(F("detention_date").asc(nulls_first=True), by_uuid)
        .prefetch_related(
            Prefetch("charges", queryset=charges),
            Prefetch("events", queryset=events),
            Prefetch("stays", queryset=stays),
            Prefetch("assessments", queryset=RiskAssessment.objects.order_by("created_at", "public_id")),
            Prefetch(
                "charges_to_review", queryset=ChargeToReview.objects.order_by("created_at", "public_id")
            ),
            _claims_prefetch(),
            Prefetch(
                "hearings",
                queryset=Hearing.objects.prefetch_related(
                    Prefetch("sources", queryset=Source.objects.order_by("public_id"))
                ).order_by("starts_at", "public_id"),
            ),
        )
    )
    return Person.objects.current().prefetch_related(
        Prefetch(
            "names",
            queryset=PersonName.objects.with_sources().order_by("-is_primary", "kind", "text"),
        ),
        Prefetch("external_ids", queryset=ExternalIdentifier.objects.order_by("scheme", "value")),
        Prefetch("cases", queryset=cases),
        _claims_prefetch(Claim.objects.filter(case__isnull=True)),
        Prefetch(
            "contact_log",
            queryset=PrisonerContact.objects.select_related("reported_by")
            .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("public_id")))
            .order_by("date", "public_id"),
        ),
        Prefetch(
            "particular_risks",
            queryset=ParticularRisk.objects.prefetch_related(
                Prefetch("sources", queryset=Source.objects.order_by("public_id"))
            ).order_by(F("date").asc(nulls_first=True), "public_id"),
        ),
        Prefetch(
            "letter_counts",
            queryset=LetterCount.objects.select_related("organisation").order_by(
                "period_start", "period_end", "organisation__name"
            ),
        ),
    )


def _public_id(instance):
    return instance.public_id if instance is not None else None


def _case_record(case: Case, refs: _References) -> dict:
    charges = list(case.charges.all())
    charge_uuids = {charge.pk: charge.public_id for charge in charges}
    reclassifications = []
    for charge in charges:
        try:
            step = charge.reclassification
        except Reclassification.DoesNotExist:
            continue
        reclassifications.append(
            {
                "from_charge": charge.public_id,
                "to_charge": step.to_charge.public_id,
                "date": step.date,
                "source": _public_id(step.source),
                "note": step.note,
                "created_at": step.created_at,
            }
        )
    reclassifications.sort(key=lambda r: (r["date"], str(r["from_charge"])))
    return {
        **{name: getattr(case, name) for name in CASE_FIELDS},
        "jurisdiction": refs.jurisdictions[case.jurisdiction_id],
        **{name: getattr(case, name) for name in RISK_FIELDS},
        "charges": [
            {
                "public_id": charge.public_id,
                "article": refs.articles[charge.article_id],
                **{name: getattr(charge, name) for name in CHARGE_FIELDS},
                "reclassified_into": _public_id(charge.reclassified_into),
                "source": _public_id(charge.source),
            }
            for charge in charges
        ],
        "reclassifications": reclassifications,
        "events": [
            {
                "public_id": event.public_id,
                **{name: getattr(event, name) for name in EVENT_FIELDS},
                "charge": _public_id(event.charge),
                "sources": [source.public_id for source in event.sources.all()],
            }
            for event in case.events.all()
        ],
        "stays": [
            {
                "public_id": stay.public_id,
                "facility": stay.facility.slug,
                **{name: getattr(stay, name) for name in STAY_FIELDS},
            }
            for stay in case.stays.all()
        ],
        "release": _release_record(case),
        "risk_assessments": [
            {
                "public_id": assessment.public_id,
                **{name: getattr(assessment, name) for name in ASSESSMENT_FIELDS},
                # Stored reasons name charges by database id; the file names them by public id.
                "reasons": [
                    {
                        **{k: v for k, v in reason.items() if k != "charge_id"},
                        "charge": charge_uuids.get(reason.get("charge_id")),
                    }
                    for reason in assessment.reasons
                ],
            }
            for assessment in case.assessments.all()
        ],
        "charges_to_review": [
            {"public_id": review.public_id, **{name: getattr(review, name) for name in REVIEW_FIELDS}}
            for review in case.charges_to_review.all()
        ],
        "claims": _claim_records(case),
        "hearings": [
            {
                **{name: getattr(hearing, name) for name in HEARING_FIELDS},
                "sources": [s.public_id for s in hearing.sources.all()],
            }
            for hearing in case.hearings.all()
        ],
    }


def _release_record(case: Case) -> dict | None:
    try:
        release = case.release
    except Release.DoesNotExist:
        return None
    return {"public_id": release.public_id, **{name: getattr(release, name) for name in RELEASE_FIELDS}}


def staff_person_record(person: Person, refs: _References, *, with_sources: bool = True) -> dict:
    fields = [f for f in PERSON_FIELDS if with_sources or f not in SOURCES_GROUP_PERSON_FIELDS]
    return {
        **{name: getattr(person, name) for name in fields},
        "region": refs.regions.get(person.region_id),
        "names": [
            {
                "text": n.text,
                "script": n.script,
                "kind": n.kind,
                "is_primary": n.is_primary,
                "source": _public_id(n.source),
                "as_of": n.as_of,
                "as_of_precision": n.as_of_precision,
                "also_given_by": [
                    {
                        "source": given.source.public_id,
                        **{name: getattr(given, name) for name in NAME_SOURCE_FIELDS},
                    }
                    for given in n.also_given_by.all()
                ],
            }
            for n in person.names.all()
        ],
        "external_ids": [
            {"scheme": e.scheme, "value": e.value, "created_at": e.created_at}
            for e in person.external_ids.all()
        ],
        "cases": [_case_record(case, refs) for case in person.cases.all()],
        "claims": _claim_records(person),
        "contacts_heard": [
            {
                **{name: getattr(contact, name) for name in CONTACT_FIELDS},
                "sources": [s.public_id for s in contact.sources.all() if with_sources or not s.confidential],
                "reported_by": contact.reported_by.name if contact.reported_by else None,
            }
            for contact in person.contact_log.all()
        ],
        "particular_risks": [
            {
                **{name: getattr(item, name) for name in PARTICULAR_RISK_FIELDS},
                "sources": [s.public_id for s in item.sources.all() if with_sources or not s.confidential],
            }
            for item in person.particular_risks.all()
        ],
        "letters": [
            {
                **{name: getattr(count, name) for name in LETTER_FIELDS},
                "organisation": count.organisation.name,
            }
            for count in person.letter_counts.all()
        ],
    }


# The public record of a person: what the anonymous API gives -----------------------------------


def _public_people():
    # The API's serializers define the public fields; imported here so that the domain module
    # does not load the API at start-up.
    return (
        Person.objects.published()
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "names",
                queryset=PersonName.objects.with_sources().order_by("-is_primary", "kind", "text"),
            ),
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("jurisdiction", "release")
                .order_by(F("detention_date").asc(nulls_first=True), "public_id")
                .prefetch_related(
                    Prefetch(
                        "charges",
                        queryset=Charge.objects.select_related(
                            "article__jurisdiction", "reclassified_into", "reclassified_from"
                        ).order_by(F("charged_on").asc(nulls_first=True), "public_id"),
                    ),
                    Prefetch("stays", queryset=FacilityStay.objects.select_related("facility")),
                    Prefetch(
                        "events",
                        queryset=CaseEvent.objects.filter(is_public=True)
                        .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("public_id")))
                        .order_by("date", "public_id"),
                    ),
                    Prefetch("claims", queryset=Claim.objects.shown(), to_attr="shown_claims"),
                ),
            ),
            Prefetch(
                "claims", queryset=Claim.objects.shown().filter(case__isnull=True), to_attr="shown_claims"
            ),
        )
    )


@dataclass(frozen=True)
class PublicShape:
    """How the public sees a person and the facilities: the anonymous API's shape (api.exports)."""

    # Called once per export, it gives the function that writes each person (which may keep what
    # it built for the first person, as DRF's serializers keep their fields).
    person_writer: Callable[[], Callable[[Person], dict]]
    facility_records: Callable[[], list[dict]]


# The public export must be exactly what the anonymous API answers. The API owns that shape and
# plugs it in at start-up (api.apps), so the data app never imports the API.
_public_shape: PublicShape | None = None


def provide_public_shape(shape: PublicShape) -> None:
    global _public_shape
    _public_shape = shape


def _public() -> PublicShape:
    if _public_shape is None:
        raise ImproperlyConfigured("The public export takes its shape from the API: install the api app.")
    return _public_shape


# Streaming ---------------------------------------------------------------------------------------


def _people(audience: str):
    people = _staff_people() if audience == STAFF else _public_people()
    return people.order_by("slug").iterator(chunk_size=CHUNK)


def iter_person_records(audience: str, *, with_sources: bool = True) -> Iterator[dict]:
    """Every person the audience may see, as their export record, a chunk at a time."""
    _check_audience(audience)
    if audience == STAFF:
        refs = _References()
        for person in _people(STAFF):
            yield staff_person_record(person, refs, with_sources=with_sources)
    else:
        person_record = _public().person_writer()
        for person in _people(PUBLIC):
            yield person_record(person)


def iter_registry_json(audience: str, *, now=None, with_sources: bool = True) -> Iterator[str]:
    """The JSON document in pieces: the header and reference data, then one person per line.

    with_sources=False (a staff member outside the Sources group) leaves out confidential
    sources and every contact."""
    _check_audience(audience)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now or timezone.now(),
        "audience": audience,
    }
    if audience == STAFF and not with_sources:
        header["sources_group_data"] = "left out"
    if audience == STAFF:
        sources = Source.objects.order_by("public_id")
        if not with_sources:
            sources = sources.filter(confidential=False)
        refs = _References()
        people = Person.objects.current()
        header |= {
            "jurisdictions": _jurisdiction_records(refs),
            "articles": _used_articles(refs, people),
            "regions": _used_regions(refs, people),
            "facilities": [_facility_record(f, refs) for f in Facility.objects.order_by("slug")],
            "sources": [_source_record(s) for s in sources.iterator(chunk_size=2000)],
        }
    else:
        header |= {
            "jurisdictions": [
                {"code": code}
                for code in Jurisdiction.objects.order_by("code").values_list("code", flat=True)
            ],
            "facilities": _public().facility_records(),
        }
    text = _dumps(header)
    yield text[:-1] + ', "people": [\n'
    first = True
    for record in iter_person_records(audience, with_sources=with_sources):
        yield ("" if first else ",\n") + _dumps(record)
        first = False
    yield "\n]}\n"


def export_registry_json(stream, audience: str) -> None:
    """Write the registry as JSON for `audience` ("staff" or "public") to a text stream."""
    for piece in iter_registry_json(audience):
        stream.write(piece)


# CSV: one row per person ------------------------------------------------------------------------

CURRENT_STATES = (choices.ChargeState.ACTIVE, choices.ChargeState.CONVICTED)
# The CSV is for reading, not for moving installations: it leaves out the timestamps.
STAFF_CSV_PERSON = tuple(f for f in PERSON_FIELDS if f not in ("created_at", "updated_at"))
PUBLIC_CSV_PERSON = (
    "id",
    "sex",
    "birth_year",
    "citizenship",
    "occupation",
    "biography",
    "content_language",
    "translations",
)
CASE_COLUMNS = (
    "case_ids",
    "jurisdictions",
    "case_numbers",
    "statuses",
    "detention_dates",
    "current_charges",
    "charge_history",
    "risk",
    "current_facility",
)


class _Echo:
    def write(self, value):
        return value


def _charge_text(jurisdiction: str, number: str, part: str, stage: str, inchoate: dict) -> str:
    """The charge in the lists' canonical Russian notation (cases.transfer.notation), or plainly when the
    article cannot be written that way."""
    attempt, preparation = inchoate.get(jurisdiction, ("", ""))
    try:
        return format_charge(
            ParsedCharge(number, part, stage, ""),
            language="ru",
            attempt_article=attempt or "-",
            preparation_article=preparation or "-",
        )
    except ValueError:
        return f"art. {number} part {part} ({stage})" if part else f"art. {number} ({stage})"


def _join(values) -> str:
    return " | ".join("" if v is None else str(v) for v in values)


def _case_cells(cases: list[dict], inchoate: dict, *, staff: bool) -> dict:
    cells = defaultdict(list)
    for case in cases:
        code = case["jurisdiction"]
        current, history = [], []
        for charge in case["charges"]:
            if staff:
                _, number, part = charge["article"]
            else:
                number, part = charge["article"]["number"], charge["article"]["part"]
            text = _charge_text(code, number, part, charge["stage"], inchoate)
            history.append(f"{text} ({charge['state']})")
            if charge["state"] in CURRENT_STATES:
                current.append(text)
        if staff:
            open_stays = [s["facility"] for s in case["stays"] if s["end_date"] is None]
            facility = open_stays[0] if open_stays else ""
            risk = "under_review" if case["risk_stale"] else case["risk_level"]
        else:
            facility = case["current_facility"] or ""
            risk = case["risk"]["status"]
        cells["case_ids"].append(case["public_id"] if staff else case["id"])
        cells["jurisdictions"].append(code)
        cells["case_numbers"].append(case["case_number"])
        cells["statuses"].append(case["status"])
        cells["detention_dates"].append(case["detention_date"])
        cells["current_charges"].append("; ".join(current))
        cells["charge_history"].append("; ".join(history))
        cells["risk"].append(risk)
        cells["current_facility"].append(facility)
    return {column: _join(cells[column]) for column in CASE_COLUMNS}


def _staff_csv_person(with_sources: bool) -> list[str]:
    return [f for f in STAFF_CSV_PERSON if with_sources or f not in SOURCES_GROUP_PERSON_FIELDS]


def csv_header(audience: str, *, with_sources: bool = True) -> list[str]:
    _check_audience(audience)
    if audience == STAFF:
        return [
            *_staff_csv_person(with_sources),
            "region",
            "primary_name",
            "names",
            "external_ids",
            *CASE_COLUMNS,
        ]
    return [*PUBLIC_CSV_PERSON, "region", "primary_name", "names", *CASE_COLUMNS]


def csv_row(record: dict, audience: str, inchoate: dict, *, with_sources: bool = True) -> list[str]:
    """A person's export record (the JSON one) flattened, so the CSV never holds more than it."""
    staff = audience == STAFF
    primary = next((n["text"] for n in record["names"] if n["is_primary"]), "")
    if staff:
        values = [record[name] for name in _staff_csv_person(with_sources)]
        region = ":".join(record["region"]) if record["region"] else ""
        extra = [_join(f"{e['scheme']}:{e['value']}" for e in record["external_ids"])]
    else:
        values = [record[name] for name in PUBLIC_CSV_PERSON]
        region = record["region"] or ""
        extra = []
    names = _join(n["text"] for n in record["names"])
    cases = _case_cells(record["cases"], inchoate, staff=staff)
    row = [*values, region, primary, names, *extra, *(cases[c] for c in CASE_COLUMNS)]
    return [_csv_cell(value) for value in row]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date | uuid.UUID):
        value = _value(value)
    elif isinstance(value, dict):  # the translations: JSON, as in the JSON export
        value = _dumps(value) if value else ""
    return neutralise(str(value))


def iter_registry_csv(audience: str, *, with_sources: bool = True) -> Iterator[str]:
    """The CSV in pieces: a header, then one row per person the audience may see."""
    _check_audience(audience)
    writer = csv.writer(_Echo())
    inchoate = {
        code: (attempt, preparation)
        for code, attempt, preparation in Jurisdiction.objects.values_list(
            "code", "attempt_article", "preparation_article"
        )
    }
    yield writer.writerow(csv_header(audience, with_sources=with_sources))
    for record in iter_person_records(audience, with_sources=with_sources):
        yield writer.writerow(csv_row(record, audience, inchoate, with_sources=with_sources))


def export_registry_csv(stream, audience: str) -> None:
    """Write one CSV row per person the audience may see to a text stream."""
    for piece in iter_registry_csv(audience):
        stream.write(piece)


# Import -----------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    people: int = 0
    cases: int = 0
    charges: int = 0
    events: int = 0
    sources: int = 0
    facilities: int = 0
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"Imported {self.people} people, {self.cases} cases, {self.charges} charges, "
            f"{self.events} events, "
            f"{self.sources} new sources and {self.facilities} new facilities.",
            *self.warnings,
        ]


def _read(stream) -> dict:
    try:
        document = json.load(stream)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportRefused(f"The file is not valid JSON ({error}); nothing was imported.") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(
            f"This is not a registry export (its format is not {FORMAT!r}); nothing was imported."
        )
    if document.get("version") != VERSION:
        raise ImportRefused(
            f"This export is version {document.get('version')!r}; this installation reads version {VERSION}. "
            "Nothing was imported."
        )
    if document.get("audience") != STAFF:
        raise ImportRefused(
            "Only a staff export can be imported: a public export leaves out unpublished people and "
            "confidential fields. Nothing was imported."
        )
    if "sources_group_data" in document:
        raise ImportRefused(
            "This staff export was made by someone outside the Sources group: it leaves out "
            "confidential sources and contacts. Only a complete export can be imported. Nothing was imported."
        )
    return document


def _fields(model, names, record: dict) -> dict:
    """The record's values for `names`, converted by the model's own fields (dates, UUIDs...).

    A field an older export does not carry (a date's precision, added later) takes the model's
    default, which is what the record meant when it was written."""
    values = {}
    for name in names:
        field = model._meta.get_field(name)
        values[name] = field.to_python(record[name]) if name in record else field.get_default()
    return values


_RELATIONS = {}


def _checked(instance, where: str):
    """Field rules (choices, lengths, formats) per object, without a query; the database checks
    the constraints and the references when the rows go in."""
    model = type(instance)
    if model not in _RELATIONS:
        _RELATIONS[model] = [f.name for f in model._meta.fields if f.is_relation]
    try:
        instance.clean_fields(exclude=_RELATIONS[model])
        if isinstance(instance, TranslatedContent):
            instance.check_translations()
    except ValidationError as error:
        raise ImportRefused(
            f"{where}: {'; '.join(f'{k}: {v[0]}' for k, v in error.message_dict.items())}"
        ) from error
    return instance


AUTO_TIMES = ("created_at", "updated_at")


def _insert(model, objs: list, by) -> list:
    """Bulk insert with the file's timestamps (bulk_create stamps 'now' on auto fields, so they
    are written back) and one history row per object, authored by the importing user."""
    if not objs:
        return objs
    times = [name for name in AUTO_TIMES if any(f.name == name for f in model._meta.fields)]
    kept = [[getattr(obj, name) for name in times] for obj in objs]
    model.objects.bulk_create(objs, batch_size=BATCH)
    if times:
        for obj, values in zip(objs, kept, strict=True):
            for name, value in zip(times, values, strict=True):
                setattr(obj, name, value)
        model.objects.bulk_update(objs, times, batch_size=BATCH)
    if hasattr(model, "history"):
        model.history.bulk_history_create(objs, default_user=by, batch_size=BATCH)
    return objs


def _named(records: dict, public_id, refusal: str):
    """The record a file names by public id (None for none), or the import refused."""
    if public_id is None:
        return None
    try:
        return records[public_id]
    except KeyError:
        raise ImportRefused(f"{refusal}: {public_id}.") from None


def _natural(value) -> tuple:
    return tuple(value) if isinstance(value, list) else (value,)


class _Importer:
    def __init__(self, document: dict, by):
        self.document = document
        self.by = by
        self.report = ImportReport()
        self.jurisdictions = dict(Jurisdiction.objects.values_list("code", "pk"))
        codes = dict(Jurisdiction.objects.values_list("pk", "code"))
        self.articles = {
            (codes[j], number, part): pk
            for pk, j, number, part in Article.objects.values_list("pk", "jurisdiction", "number", "part")
        }
        self.regions = {
            (codes[j], code): pk for pk, j, code in Region.objects.values_list("pk", "jurisdiction", "code")
        }
        self.facilities: dict[str, int] = {}
        self.sources: dict[str, int] = {}

    # References, checked before anything is written --------------------------------------------

    def check_references(self) -> None:
        doc = self.document
        used_codes = {case["jurisdiction"] for person in doc["people"] for case in person["cases"]}
        used_codes |= {f["jurisdiction"] for f in doc["facilities"]}
        missing = sorted(used_codes - set(self.jurisdictions))
        if missing:
            raise ImportRefused(
                f"The law data of {', '.join(missing)} is not loaded in this installation: run "
                f"manage.py load_law {' '.join(missing)} first. Nothing was imported."
            )
        used_articles = {_natural(a) for a in doc["articles"]}
        used_articles |= {
            _natural(charge["article"]) for p in doc["people"] for c in p["cases"] for charge in c["charges"]
        }
        unknown = sorted(used_articles - set(self.articles))
        if unknown:
            listed = ", ".join(
                f"{code} art. {n}" + (f" part {part}" if part else "") for code, n, part in unknown[:10]
            )
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            raise ImportRefused(
                f"These articles are not in this installation's law data: {listed}{more}. Load the same law "
                "data (manage.py load_law) before importing. Nothing was imported."
            )
        used_regions = {_natural(r) for r in doc["regions"]}
        used_regions |= {_natural(p["region"]) for p in doc["people"] if p["region"]}
        unknown_regions = sorted(used_regions - set(self.regions))
        if unknown_regions:
            raise ImportRefused(
                f"These regions are not in this installation's law data: "
                f"{', '.join(':'.join(r) for r in unknown_regions)}. Nothing was imported."
            )
        here = dict(Jurisdiction.objects.values_list("code", "data_checksum"))
        for jurisdiction in doc["jurisdictions"]:
            code = jurisdiction["code"]
            if code in used_codes and here.get(code) != jurisdiction.get("law_checksum"):
                self.report.warnings.append(
                    f"The law data of {code} differs from the exporting installation's; the carried risk "
                    "levels stand until the next assessment pass re-assesses these cases."
                )

    # Facilities and sources: reused when identical, refused when they differ -----------------

    def import_facilities(self) -> None:
        refs = _References()
        existing = {f.slug: f for f in Facility.objects.all()}
        new = []
        for record in self.document["facilities"]:
            slug = record["slug"]
            if slug in existing:
                here = _facility_record(existing[slug], refs)
                # An older export lacks the fields added since: compare what it carries.
                if _dumps({k: here[k] for k in record if k in here}) != _dumps(record):
                    raise ImportRefused(
                        f"The facility {slug!r} already exists here with other details; nothing was imported."
                    )
                self.facilities[slug] = existing[slug].pk
                continue
            facility = Facility(
                slug=slug,
                jurisdiction_id=self.jurisdictions[record["jurisdiction"]],
                region_id=self.regions[_natural(record["region"])] if record["region"] else None,
                **_fields(Facility, FACILITY_FIELDS, record),
            )
            new.append(_checked(facility, f"facility {slug}"))
        for facility in _insert(Facility, new, self.by):
            self.facilities[facility.slug] = facility.pk
        self.report.facilities = len(new)

    def import_sources(self) -> None:
        records = {record["public_id"]: record for record in self.document["sources"]}
        existing = Source.objects.filter(public_id__in=list(records))
        for source in existing:
            if _dumps(_source_record(source)) != _dumps(records[str(source.public_id)]):
                raise ImportRefused(
                    f"The source {source.public_id} already exists here with other details; "
                    "nothing was imported."
                )
            self.sources[str(source.public_id)] = source.pk
        new = [
            _checked(
                Source(**_fields(Source, ("public_id", *SOURCE_FIELDS, "created_at"), record)),
                f"source {public_id}",
            )
            for public_id, record in records.items()
            if public_id not in self.sources
        ]
        for source in _insert(Source, new, self.by):
            self.sources[str(source.public_id)] = source.pk
        self.report.sources = len(new)

    def source(self, public_id, where: str):
        if public_id is None:
            return None
        try:
            return self.sources[public_id]
        except KeyError:
            raise ImportRefused(f"{where} names a source that is not in the file: {public_id}.") from None

    # People ---------------------------------------------------------------------------------

    def import_contacts(self, persons, records) -> None:
        """Each person's contacts (issue 19), with their sources; the partner that reported one is
        found by its name, or left out when this installation has no such organisation."""
        organisations = dict(Organisation.objects.values_list("name", "pk"))
        contacts, sources = [], []
        for person, record in zip(persons, records, strict=True):
            where = f"person {person.slug}"
            for c in record.get("contacts_heard", []):
                contact = PrisonerContact(
                    person=person,
                    reported_by_id=organisations.get(c.get("reported_by")),
                    **_fields(PrisonerContact, CONTACT_FIELDS, c),
                )
                contact._set_range()
                contacts.append(_checked(contact, f"{where}, contact {c['public_id']}"))
                sources.extend((contact, self.source(s, where)) for s in c.get("sources", []))
        _insert(PrisonerContact, contacts, self.by)
        letters = []
        for person, record in zip(persons, records, strict=True):
            for count in record.get("letters", []):
                organisation = organisations.get(count["organisation"])
                if organisation is None:  # letters of a partner this installation does not know
                    organisation = Organisation.objects.create(name=count["organisation"])
                    organisations[count["organisation"]] = organisation.pk
                    organisation = organisation.pk
                letters.append(
                    _checked(
                        LetterCount(
                            person=person,
                            organisation_id=organisation,
                            **_fields(LetterCount, LETTER_FIELDS, count),
                        ),
                        f"person {person.slug}, letters",
                    )
                )
        _insert(LetterCount, letters, self.by)
        items, item_sources = [], []
        for person, record in zip(persons, records, strict=True):
            for r in record.get("particular_risks", []):
                item = ParticularRisk(person=person, **_fields(ParticularRisk, PARTICULAR_RISK_FIELDS, r))
                items.append(_checked(item, f"person {person.slug}, particular risk {r['public_id']}"))
                item_sources.extend(
                    (item, self.source(s, f"person {person.slug}")) for s in r.get("sources", [])
                )
        _insert(ParticularRisk, items, self.by)
        ParticularRisk.sources.through.objects.bulk_create(
            [ParticularRisk.sources.through(particularrisk=i, source_id=s) for i, s in item_sources],
            batch_size=BATCH,
        )
        PrisonerContact.sources.through.objects.bulk_create(
            [PrisonerContact.sources.through(prisonercontact=c, source_id=s) for c, s in sources],
            batch_size=BATCH,
        )

    def import_people(self) -> None:
        people = self.document["people"]
        for start in range(0, len(people), BATCH):
            self.import_batch(people[start : start + BATCH])

    def import_batch(self, records: list[dict]) -> None:
        persons, names, external_ids, given_by = [], [], [], []
        for record in records:
            where = f"person {record.get('slug')}"
            person = Person(
                region_id=self.regions[_natural(record["region"])] if record["region"] else None,
                **_fields(Person, PERSON_FIELDS, record),
            )
            persons.append(_checked(person, where))
        _insert(Person, persons, self.by)
        cases, case_records = [], []
        for person, record in zip(persons, records, strict=True):
            where = f"person {person.slug}"
            for n in record["names"]:
                name = PersonName(
                    person=person,
                    source_id=self.source(n.get("source"), where),
                    **_fields(
                        PersonName, ("text", "script", "kind", "is_primary", "as_of", "as_of_precision"), n
                    ),
                )
                name.search_key = name_key(name.text)
                names.append(_checked(name, where))
                given_by.extend(
                    (name, self.source(g["source"], where), g) for g in n.get("also_given_by", [])
                )
            for e in record["external_ids"]:
                ext = ExternalIdentifier(
                    person=person, **_fields(ExternalIdentifier, ("scheme", "value", "created_at"), e)
                )
                external_ids.append(_checked(ext, where))
            for c in record["cases"]:
                case = Case(
                    person=person,
                    jurisdiction_id=self.jurisdictions[c["jurisdiction"]],
                    **_fields(Case, CASE_FIELDS + RISK_FIELDS, c),
                )
                if not case.risk_stale:  # stale ones wait from the import (their wait is not carried)
                    case.risk_stale_since = None
                case.set_expected_release()
                cases.append(_checked(case, f"{where}, case {c['public_id']}"))
                case_records.append(c)
        _insert(PersonName, names, self.by)
        _insert(
            NameSource,
            [
                _checked(
                    NameSource(name=name, source_id=source_id, **_fields(NameSource, NAME_SOURCE_FIELDS, g)),
                    f"person {name.person.slug}, name {name.text}",
                )
                for name, source_id, g in given_by
            ],
            self.by,
        )
        _insert(ExternalIdentifier, external_ids, self.by)
        self.import_contacts(persons, records)
        _insert(Case, cases, self.by)
        charges = self.import_charges(cases, case_records)
        stays = self.import_case_details(cases, case_records, charges)
        self.import_claims(
            charges,
            stays,
            [
                (person, None, r)
                for person, record in zip(persons, records, strict=True)
                for r in record.get("claims", [])
            ]
            + [
                (case.person, case, r)
                for case, c in zip(cases, case_records, strict=True)
                for r in c.get("claims", [])
            ],
        )
        self.report.people += len(persons)
        self.report.cases += len(cases)

    def import_charges(self, cases: list[Case], case_records: list[dict]) -> dict[str, Charge]:
        """Charges go in successors first, so each reclassified charge can point to its successor."""
        charges: dict[str, Charge] = {}
        successor_of: dict[str, str | None] = {}
        for case, c in zip(cases, case_records, strict=True):
            for r in c["charges"]:
                where = f"person {case.person.slug}, charge {r['public_id']}"
                charge = Charge(
                    case=case,
                    person_id=case.person_id,
                    article_id=self.articles[_natural(r["article"])],
                    source_id=self.source(r["source"], where),
                    **_fields(Charge, ("public_id", *CHARGE_FIELDS), r),
                )
                charges[r["public_id"]] = _checked(charge, where)
                successor_of[r["public_id"]] = r["reclassified_into"]
        depth: dict[str, int] = {}

        def depth_of(public_id: str, seen=()) -> int:
            if public_id in depth:
                return depth[public_id]
            successor = successor_of[public_id]
            if successor is None:
                depth[public_id] = 0
            elif successor not in charges or successor in seen:
                raise ImportRefused(
                    f"Charge {public_id} is reclassified into {successor}, which is not a charge of the "
                    "same person in the file (or the chain loops). Nothing was imported."
                )
            else:
                depth[public_id] = depth_of(successor, (*seen, public_id)) + 1
            return depth[public_id]

        layers = defaultdict(list)
        for public_id in charges:
            layers[depth_of(public_id)].append(public_id)
        for level in sorted(layers):
            batch = []
            for public_id in layers[level]:
                charge = charges[public_id]
                successor = successor_of[public_id]
                charge.reclassified_into = charges[successor] if successor else None
                batch.append(charge)
            _insert(Charge, batch, self.by)
        self.report.charges += len(charges)
        return charges

    def import_claims(self, charges: dict, stays: dict, found: list) -> None:
        """Every claim as the file has it (an export made before claims has none)."""
        claims = []
        for person, case, r in found:
            where = f"person {person.slug}, claim {r['public_id']}"
            stay = self.stay(stays, r.get("stay"), where)
            if stay is not None and (case is None or stay.case_id != case.pk):
                raise ImportRefused(f"{where} names a facility stay that is not the case's: {r['stay']}.")
            claim = Claim(
                person=person,
                case=case,
                charge=self.charge(charges, r.get("charge"), where),
                stay=stay,
                source_id=self.source(r["source"], where),
                **_fields(Claim, ("public_id", *CLAIM_FIELDS), r),
            )
            claims.append(_checked(claim, where))
        _insert(Claim, claims, self.by)

    def charge(self, charges: dict, public_id, where: str):
        return _named(charges, public_id, f"{where} names a charge that is not the person's")

    def stay(self, stays: dict, public_id, where: str):
        return _named(stays, public_id, f"{where} names a facility stay not in the file")

    def import_case_details(
        self, cases: list[Case], case_records: list[dict], charges: dict
    ) -> dict[str, FacilityStay]:
        """Everything a case holds besides its charges and claims; returns its stays by public id
        (an export made before stays had ids gives them new ones)."""
        steps, events, links, stays, assessments, reviews, releases = [], [], [], [], [], [], []
        hearings, hearing_links = [], []
        digests = []
        for case, c in zip(cases, case_records, strict=True):
            where = f"person {case.person.slug}, case {case.public_id}"
            for r in c["reclassifications"]:
                steps.append(
                    _checked(
                        Reclassification(
                            from_charge=self.charge(charges, r["from_charge"], where),
                            to_charge=self.charge(charges, r["to_charge"], where),
                            source_id=self.source(r["source"], where),
                            **_fields(Reclassification, ("date", "note", "created_at"), r),
                        ),
                        where,
                    )
                )
            for r in c["events"]:
                event = CaseEvent(
                    case=case,
                    charge=self.charge(charges, r["charge"], where),
                    **_fields(CaseEvent, ("public_id", *EVENT_FIELDS), r),
                )
                events.append(_checked(event, where))
                links += [(event, self.source(s, where)) for s in r["sources"]]
            for r in c["stays"]:
                if r["facility"] not in self.facilities:
                    raise ImportRefused(f"{where} names a facility that is not in the file: {r['facility']}.")
                stay = FacilityStay(
                    case=case,
                    facility_id=self.facilities[r["facility"]],
                    **_fields(FacilityStay, ("public_id", *STAY_FIELDS), r),
                )
                stays.append(_checked(stay, where))
            if c.get("release"):  # an export made before releases were recorded has none
                r = c["release"]
                releases.append(
                    _checked(Release(case=case, **_fields(Release, ("public_id", *RELEASE_FIELDS), r)), where)
                )
            latest = None
            for r in c["risk_assessments"]:
                reasons = [
                    {
                        **{k: v for k, v in reason.items() if k != "charge"},
                        "charge_id": getattr(self.charge(charges, reason["charge"], where), "pk", None),
                    }
                    for reason in r["reasons"]
                ]
                latest = RiskAssessment(
                    case=case,
                    reasons=reasons,
                    **_fields(RiskAssessment, ("public_id", *ASSESSMENT_FIELDS), r),
                )
                assessments.append(_checked(latest, where))
            if latest is not None:
                # The digest names charges by database id: computed again with this installation's.
                case.risk_digest = digest(
                    latest.level, latest.reasons, latest.rules_version, latest.law_checksum
                )
                digests.append(case)
            for r in c["charges_to_review"]:
                review = ChargeToReview(
                    case=case, **_fields(ChargeToReview, ("public_id", *REVIEW_FIELDS), r)
                )
                reviews.append(_checked(review, where))
            for r in c.get("hearings", []):  # an export made before hearings were recorded has none
                hearing = Hearing(case=case, **_fields(Hearing, HEARING_FIELDS, r))
                hearings.append(_checked(hearing, where))
                hearing_links += [(hearing, self.source(s, where)) for s in r.get("sources", [])]
        _insert(Reclassification, steps, self.by)
        _insert(CaseEvent, events, self.by)
        Through = CaseEvent.sources.through
        Through.objects.bulk_create(
            [Through(caseevent_id=event.pk, source_id=source_id) for event, source_id in links],
            batch_size=BATCH,
        )
        _insert(FacilityStay, stays, self.by)
        _insert(Release, releases, self.by)
        _insert(RiskAssessment, assessments, self.by)
        _insert(ChargeToReview, reviews, self.by)
        _insert(Hearing, hearings, self.by)
        Hearing.sources.through.objects.bulk_create(
            [Hearing.sources.through(hearing=h, source_id=s) for h, s in hearing_links], batch_size=BATCH
        )
        Case.objects.bulk_update(digests, ["risk_digest"], batch_size=BATCH)
        self.report.events += len(events)
        return {str(stay.public_id): stay for stay in stays}


def import_registry_json(stream, *, by) -> ImportReport:
    """Load a staff export into this installation, which must hold no people yet.

    All or nothing: the file is checked (format, version, every jurisdiction, article, region,
    facility, source and charge it names) before the first row is written, and any refused
    row rolls the whole import back. Side effects: one history row per imported object,
    authored by `by`; no timeline events, change-feed entries or alerts (the file carries the
    timeline and the risk history as they were). Callers clear caches of public pages.
    """
    document = _read(stream)
    if Person.objects.exists():
        raise ImportRefused(
            f"This registry already holds {Person.objects.count()} people; an export is only imported into "
            "an empty registry. Nothing was imported."
        )
    importer = _Importer(document, by)
    try:
        importer.check_references()
        with transaction.atomic():
            importer.import_facilities()
            importer.import_sources()
            importer.import_people()
    except (KeyError, TypeError, AttributeError) as error:
        raise ImportRefused(
            f"The file is incomplete or damaged ({error!r}); nothing was imported."
        ) from error
    except IntegrityError as error:
        raise ImportRefused(
            f"The file breaks a rule of the registry ({error}); nothing was imported."
        ) from error
    return importer.report
