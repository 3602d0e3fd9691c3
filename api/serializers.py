"""What each audience receives. Public serializers list their fields explicitly; the restricted
ones add confidential fields for callers that `api.access` allows to see them.

No database id leaves the API: people are known by slug, everything else by a public UUID, and
articles by "<jurisdiction>-<number>[.<part>]".

A field that can be empty (an optional relation read through `source=`, a method field) says
`allow_null=True`, so the OpenAPI schema marks it nullable: partners generate clients from it.
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.access import access_for
from cases import choices, partial_dates
from cases.models import (
    Article,
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    Claim,
    ExternalIdentifier,
    Facility,
    FacilityStay,
    Hearing,
    LetterCount,
    ParticularRisk,
    Person,
    PersonName,
    PrisonerContact,
    RiskAssessment,
    Source,
    Submission,
    WebhookSubscription,
    article_title,
    latest_event,
    release_of,
)
from cases.protection.webhook_urls import UnsafeWebhookURL, check_partner_webhook_url
from cases.wording.render import Renderer


def article_id(article: Article) -> str:
    return f"{article.jurisdiction.code}-{article.number}" + (f".{article.part}" if article.part else "")


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
        "description": "As far as it is known, in ISO 8601: a day (2021-05-03), a month (2021-05) or a "
        "year (2021); null when unknown. The `_precision` field beside it says which.",
        "example": "2021-05",
    }
)
class PartialDateField(serializers.Field):
    """A date known in part, written as what is known: never a made-up first day of the period."""

    def __init__(self, date_field: str, **kwargs):
        self.date_field = date_field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        value = getattr(instance, self.date_field)
        return partial_dates.iso(value, getattr(instance, f"{self.date_field}_precision")) or None


class ExternalIdSerializer(serializers.ModelSerializer):
    """An id another list gives the person; look a person up by it with `?external_id=<scheme>:<value>`."""

    class Meta:
        model = ExternalIdentifier
        fields = ["scheme", "value"]


class PublicSourceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Source
        fields = ["id", "kind", "title", "url", "published_on"]


class RestrictedSourceSerializer(PublicSourceSerializer):
    class Meta(PublicSourceSerializer.Meta):
        fields = PublicSourceSerializer.Meta.fields + ["confidential"]


class SourcesGroupSourceSerializer(RestrictedSourceSerializer):
    """For the Sources group only (api.access: sees_sources)."""

    class Meta(RestrictedSourceSerializer.Meta):
        fields = RestrictedSourceSerializer.Meta.fields + ["contact"]


class NameGivenBySerializer(serializers.Serializer):
    """A source that gives the spelling, as of when: a confidential one is `null` with
    `source_confidential` true, but for the Sources group."""

    source = PublicSourceSerializer(allow_null=True)
    source_confidential = serializers.BooleanField()
    as_of = serializers.CharField(
        allow_null=True, help_text="As far as it is known: 2021, 2021-05, 2021-05-03"
    )
    as_of_precision = serializers.CharField()


class NameSerializer(serializers.ModelSerializer):
    given_by = serializers.SerializerMethodField()

    class Meta:
        model = PersonName
        fields = ["text", "script", "kind", "is_primary", "given_by"]

    @extend_schema_field(NameGivenBySerializer(many=True))
    def get_given_by(self, name) -> list[dict]:
        """Every source that gives this spelling (the first, then the others); none for the
        registry staff's own."""
        request = self.context.get("request")
        sees_sources = request is not None and access_for(request).sees_sources
        words = [(name.source_id, name.source, name.as_of, name.as_of_precision)] if name.source_id else []
        words += [(g.source_id, g.source, g.as_of, g.as_of_precision) for g in name.also_given_by.all()]
        return [
            {
                "source": PublicSourceSerializer(source).data
                if source is not None and (not source.confidential or sees_sources)
                else None,
                "source_confidential": source is None or source.confidential,
                "as_of": partial_dates.iso(as_of, precision) or None,
                "as_of_precision": precision,
            }
            for _source_id, source, as_of, precision in words
        ]


class ClaimSerializer(serializers.ModelSerializer):
    """What one source says of one fact. `value` is the fact's canonical form;
    `state` says where it stands (accepted: the record's value; agrees; conflicting: not decided
    yet). A confidential source is `null` with `source_confidential` true, but for the Sources
    group; superseded claims are not listed."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    charge = serializers.UUIDField(
        source="charge.public_id",
        read_only=True,
        allow_null=True,
        help_text="For a fact of a charge (charge.*): the charge's id, as in the case's `charges`",
    )
    stay = serializers.UUIDField(
        source="stay.public_id",
        read_only=True,
        allow_null=True,
        help_text="For a fact of a facility stay (stay.*): the stay's id, as in the case's `stays`",
    )
    value = serializers.JSONField(read_only=True)
    as_of = PartialDateField("as_of")
    source = serializers.SerializerMethodField()
    source_confidential = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "fact",
            "charge",
            "stay",
            "value",
            "state",
            "as_of",
            "as_of_precision",
            "source",
            "source_confidential",
        ]

    def _sees_source(self, claim) -> bool:
        if claim.source is None:
            return False
        if not claim.source.confidential:
            return True
        request = self.context.get("request")
        return request is not None and access_for(request).sees_sources

    @extend_schema_field(PublicSourceSerializer(allow_null=True))
    def get_source(self, claim):
        return PublicSourceSerializer(claim.source).data if self._sees_source(claim) else None

    @extend_schema_field(serializers.BooleanField())
    def get_source_confidential(self, claim) -> bool:
        # Through the public role a confidential source's row cannot be read: its id remains.
        return claim.source_id is not None and (claim.source is None or claim.source.confidential)


class ArticleSummarySerializer(serializers.ModelSerializer):
    """`title_be_source` says where the Belarusian title came from; `title` is the title in the
    request's language (Accept-Language: en, be or ru; Belarusian falls back to Russian, then
    English), `title_language` the language it is in, and `title_note` says, in the request's
    language, when it is the registry's own translation rather than the official text."""

    id = serializers.SerializerMethodField()
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    title = serializers.SerializerMethodField()
    title_language = serializers.SerializerMethodField()
    title_note = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "jurisdiction",
            "number",
            "part",
            "notation",
            "title_en",
            "title_ru",
            "title_be",
            "title_be_source",
            "title",
            "title_language",
            "title_note",
            "capital",
            "verified",
        ]

    def get_id(self, article) -> str:
        return article_id(article)

    def get_title(self, article) -> str:
        return article_title(article).text

    @extend_schema_field(serializers.ChoiceField(choices=["en", "be", "ru"]))
    def get_title_language(self, article) -> str:
        return article_title(article).language

    def get_title_note(self, article) -> str:
        return article_title(article).note


class ArticleSerializer(ArticleSummarySerializer):
    class Meta(ArticleSummarySerializer.Meta):
        fields = ArticleSummarySerializer.Meta.fields + [
            "capital_since",
            "capital_for_attempt_since",
            "subject_restriction",
            "subject_restriction_text",
            "category",
            "penalty",
            "sources",
            "note",
        ]


class FacilitySerializer(serializers.ModelSerializer):
    """A facility proposed by an import and not yet confirmed by a Publisher (`address_confirmed`
    false) keeps its postcode and postal address from everyone but staff: "" until then."""

    id = serializers.SlugField(source="slug", read_only=True)
    region = serializers.CharField(source="region.code", default=None, allow_null=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    address_confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Facility
        fields = [
            "id",
            "jurisdiction",
            "kind",
            "regime",
            "name_en",
            "name_be",
            "name_ru",
            "short_name",
            "region",
            "postcode",
            "postal_address",
            "address_confirmed",
        ]

    def get_address_confirmed(self, facility) -> bool:
        return not facility.needs_review

    def to_representation(self, facility):
        data = super().to_representation(facility)
        request = self.context.get("request")
        if facility.needs_review and not (request is not None and access_for(request).sees_unpublished):
            data["postcode"] = data["postal_address"] = ""
        return data


class ChargeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    article = ArticleSummarySerializer()
    reclassified_into = serializers.UUIDField(
        source="reclassified_into.public_id", default=None, allow_null=True
    )
    reclassified_from = serializers.SerializerMethodField()
    reclassification_date = serializers.SerializerMethodField()
    offence_date = PartialDateField("offence_date")
    charged_on = PartialDateField("charged_on")

    class Meta:
        model = Charge
        fields = [
            "id",
            "case",
            "article",
            "stage",
            "state",
            "offence_date",
            "offence_date_precision",
            "charged_on",
            "charged_on_precision",
            "ended_on",
            "reclassified_into",
            "reclassified_from",
            "reclassification_date",
        ]

    def _predecessor(self, charge):
        try:
            return charge.reclassified_from
        except Charge.DoesNotExist:
            return None

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_reclassified_from(self, charge):
        previous = self._predecessor(charge)
        return previous.public_id if previous else None

    @extend_schema_field(PartialDateField("charged_on"))
    def get_reclassification_date(self, charge):
        if not self._predecessor(charge):
            return None
        return partial_dates.iso(charge.charged_on, charge.charged_on_precision) or None


class EventMessageSerializer(serializers.Serializer):
    code = serializers.CharField()
    params = serializers.DictField()


def translations_field(fields: str, example: str) -> serializers.DictField:
    """A record's free text in the languages other than its original's (issue 20, point 3)."""
    return serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        read_only=True,
        help_text=f"{fields} in the languages other than `content_language`, by language and field, "
        f'e.g. {{"be": {{"{example}": "…"}}}}; a language or field without a translation is left out',
    )


class EventSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    sources = serializers.SerializerMethodField()
    date = PartialDateField("date")
    translations = translations_field("The text", "text")

    text = serializers.SerializerMethodField(
        help_text="What the entry says; an entry the registry wrote is in the language asked for"
    )
    message = serializers.SerializerMethodField(
        help_text="An entry the registry wrote: its message code and parameters, the same in every language"
    )

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "case",
            "kind",
            "date",
            "date_precision",
            "text",
            "message",
            "content_language",
            "translations",
            "sources",
        ]
        extra_kwargs = {
            "content_language": {
                "help_text": "The language `text` is written in; an entry with a `message` is given in "
                "the language asked for"
            }
        }

    def get_text(self, event) -> str:
        return Renderer().render(event.message) if event.message else event.text

    @extend_schema_field(EventMessageSerializer(allow_null=True))
    def get_message(self, event):
        return event.message or None

    @extend_schema_field(PublicSourceSerializer(many=True))
    def get_sources(self, event):
        visible = [s for s in event.sources.all() if not s.confidential]
        return PublicSourceSerializer(visible, many=True).data


class RestrictedEventSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = EventSerializer.Meta.fields + ["is_public"]

    @extend_schema_field(SourcesGroupSourceSerializer(many=True))
    def get_sources(self, event):
        if access_for(self.context["request"]).sees_sources:
            return SourcesGroupSourceSerializer(event.sources.all(), many=True).data
        visible = [s for s in event.sources.all() if not s.confidential]
        return RestrictedSourceSerializer(visible, many=True).data


class HearingSerializer(serializers.ModelSerializer):
    """A public court hearing of a published person (issue 19, point 3). Never its internal note;
    its sources are not listed (the calendar cites none)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    person = serializers.SlugField(source="case.person.slug", read_only=True)
    date = serializers.SerializerMethodField(help_text="The hearing's day in the registry's time zone")
    starts_at = serializers.SerializerMethodField(help_text="When it starts; null when only the day is known")

    class Meta:
        model = Hearing
        fields = [
            "id",
            "case",
            "person",
            "date",
            "starts_at",
            "kind",
            "court",
            "room",
            "openness",
            "state",
            "note",
        ]

    @extend_schema_field(serializers.DateField())
    def get_date(self, hearing) -> str:
        return hearing.day.isoformat()

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_starts_at(self, hearing) -> str | None:
        return (
            serializers.DateTimeField().to_representation(hearing.starts_at) if hearing.time_known else None
        )


class ReasonSerializer(serializers.Serializer):
    rule = serializers.CharField()
    level = serializers.CharField()
    article = serializers.CharField()
    code = serializers.CharField(
        allow_null=True,
        help_text="What the reason says, as a message code (the same in every language); null for a reason "
        "stored as English text before codes",
    )
    params = serializers.DictField(help_text="The message's parameters, plain JSON")
    text = serializers.CharField(help_text="The reason in the language asked for (?lang= or Accept-Language)")
    language = serializers.CharField(help_text="The language `text` is in")


class AssessmentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "case",
            "level",
            "previous_level",
            "reasons",
            "rules_version",
            "assessed_on",
            "created_at",
        ]

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, assessment):
        return Renderer().reasons_for_readers(assessment.reasons)


class RiskSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The level, or 'under_review' while a change is being assessed")
    level = serializers.CharField()
    assessed_at = serializers.DateTimeField(allow_null=True)


class StaySerializer(serializers.ModelSerializer):
    """A period the person spent in one facility; `end_date` null: held there now. The dates are
    written as far as they are known (2021, 2021-10, 2021-10-01)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    facility = serializers.SlugField(source="facility.slug", read_only=True)
    start_date = PartialDateField("start_date")
    end_date = PartialDateField("end_date")

    class Meta:
        model = FacilityStay
        fields = ["id", "facility", "start_date", "start_date_precision", "end_date", "end_date_precision"]


class ReleaseSerializer(serializers.Serializer):
    """How the person left custody in the case (never the family left behind, which is staff only).
    The day is its timeline entry's, written as far as it is known."""

    how = serializers.ChoiceField(choices=choices.ReleaseKind.choices)
    date = serializers.CharField(help_text="2025, 2025-09 or 2025-09-11: as far as it is known")
    date_precision = serializers.ChoiceField(choices=choices.DatePrecision.choices)
    destination_country = serializers.CharField(
        allow_blank=True, help_text="ISO 3166 alpha-2; empty when not known"
    )
    documents_withheld = serializers.ChoiceField(
        choices=choices.Answer.choices, help_text="yes, no, or empty when not known"
    )


class CaseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.SlugField(source="person.slug", read_only=True)
    jurisdiction = serializers.CharField(source="jurisdiction.code")
    risk = serializers.SerializerMethodField()
    current_facility = serializers.SerializerMethodField()
    charges = ChargeSerializer(many=True, read_only=True)
    stays = StaySerializer(many=True, read_only=True)
    detention_date = PartialDateField("detention_date")
    verdict_date = PartialDateField("verdict_date")
    verdict_final_on = PartialDateField("verdict_final_on")
    recognised_on = PartialDateField("recognised_on")
    claims = ClaimSerializer(source="shown_claims", many=True, read_only=True)
    release = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "jurisdiction",
            "case_number",
            "investigating_body",
            "detention_date",
            "detention_date_precision",
            "detention_place",
            "status",
            "court",
            "verdict_date",
            "verdict_date_precision",
            "verdict_final_on",
            "verdict_final_on_precision",
            "sentence_kind",
            "sentence_years",
            "sentence_months",
            "sentence_regime",
            "expected_release_date",
            "expected_release_latest",
            "recognised_on",
            "recognised_on_precision",
            "recognised_by",
            "recognition_statement_url",
            "recognition_criteria",
            "risk",
            "current_facility",
            "stays",
            "release",
            "charges",
            "claims",
            "updated_at",
        ]
        # PostgreSQL's smallint, stated so the schema is the same on every database (SQLite knows
        # no small integers and would publish 2^63 - 1).
        extra_kwargs = {"sentence_years": {"max_value": 32767}, "sentence_months": {"max_value": 32767}}

    @extend_schema_field(RiskSerializer)
    def get_risk(self, case):
        return {"status": case.risk_status, "level": case.risk_level, "assessed_at": case.risk_assessed_at}

    @extend_schema_field(ReleaseSerializer(allow_null=True))
    def get_release(self, case):
        """The release, when its timeline entry is public or the reader sees what is not."""
        release = release_of(case)
        if release is None:
            return None
        # The API prefetches the releases' entries; the public export has the public events.
        events = getattr(case, "custody_end_events", None)
        event = latest_event(case.events.all() if events is None else events, release.event_kinds)
        request = self.context.get("request")
        sees_unpublished = request is not None and access_for(request).sees_unpublished
        if event is None or not (event.is_public or sees_unpublished):
            return None
        return {
            "how": release.how,
            "date": partial_dates.iso(event.date, event.date_precision),
            "date_precision": event.date_precision,
            "destination_country": release.destination_country,
            "documents_withheld": release.documents_withheld,
        }

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_current_facility(self, case):
        stay = case.current_stay
        return stay.facility.slug if stay else None


class PersonSerializer(serializers.ModelSerializer):
    id = serializers.SlugField(source="slug", read_only=True)
    # The id a mirror deletes by when the person is withdrawn: the change feed's `removed` entry
    # names them by this alone, never by the slug built from their name (docs/api.md).
    uuid = serializers.UUIDField(source="public_id", read_only=True)
    names = NameSerializer(many=True, read_only=True)
    region = serializers.CharField(source="region.code", default=None, allow_null=True)
    birth_year = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()
    claims = ClaimSerializer(source="shown_claims", many=True, read_only=True)
    translations = translations_field("The occupation and the biography", "biography")

    class Meta:
        model = Person
        fields = [
            "id",
            "uuid",
            "names",
            "sex",
            "birth_year",
            "region",
            "citizenship",
            "occupation",
            "biography",
            "content_language",
            "translations",
            "cases",
            "claims",
            "updated_at",
        ]
        extra_kwargs = {
            "content_language": {"help_text": "The language `occupation` and `biography` are written in"}
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_birth_year(self, person):
        return person.birth_date.year if person.birth_date else None

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_cases(self, person):
        return [case.public_id for case in person.cases.all()]


class RestrictedPersonSerializer(PersonSerializer):
    # Not public: a scheme can name the organisation whose list fed the registry (docs/api.md).
    external_ids = ExternalIdSerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = PersonSerializer.Meta.fields + [
            "birth_date",
            "birth_date_precision",
            "is_official_or_military",
            "internal_notes",
            "publication_state",
            "external_ids",
        ]


class SubmissionSerializer(serializers.Serializer):
    """A report of a new detention; staff review it before anything becomes public."""

    name = serializers.CharField(max_length=300, help_text="The detained person's name, in any script")
    other_names = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, max_length=10
    )
    detention_date = serializers.DateField(required=False)
    detention_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    region = serializers.CharField(max_length=40, required=False, allow_blank=True)
    articles = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=20,
        help_text="Articles as written in the source, e.g. 'ч.1 ст.342'",
    )
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    source_url = serializers.URLField(required=False, allow_blank=True)
    contact = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="Confidential: how staff can reach the reporter",
    )


class SubmissionReceiptSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField()
    received_at = serializers.DateTimeField()


class SubmissionStateSerializer(serializers.ModelSerializer):
    """A partner's own submission read back: where it stands in moderation and, once accepted and
    published, the person it became. Never the report itself, the staff's moderation note or who
    handled it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.SerializerMethodField(
        help_text="The person's id (slug) in this API once the submission was accepted and the person "
        "published; null before, and null again if the person is withdrawn"
    )
    person_url = serializers.SerializerMethodField(help_text="The person in this API; null as `person`")

    class Meta:
        model = Submission
        fields = ["id", "state", "received_at", "handled_at", "person", "person_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_person(self, submission) -> str | None:
        person = submission.published_person
        return person.slug if person else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_person_url(self, submission) -> str | None:
        person = submission.published_person
        if person is None:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:person-detail", args=[person.slug]))


class ChangeSerializer(serializers.Serializer):
    """One entry of the change feed. A person's removal names them by `person_uuid` alone (its
    `object_id` is the same UUID): the slug is built from the name of someone who may have asked
    to be taken off the registry."""

    cursor = serializers.CharField(
        help_text="Opaque: pass it back as `since` to read on after this entry; it has no order or size"
    )
    action = serializers.CharField()
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    person = serializers.SerializerMethodField(help_text="The person's slug; null in a removal")
    person_uuid = serializers.UUIDField(
        source="person.public_id",
        help_text="The person's public UUID: keep it with the slug, a removal names only this",
    )
    at = serializers.DateTimeField(source="created_at")

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_person(self, change) -> str | None:
        if change.action == ChangeRecord.Action.REMOVED and change.object_type == "person":
            return None
        return change.person.slug


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    """A partner's own webhook: the secret is shown once, when it is created."""

    id = serializers.IntegerField(read_only=True, help_text="Identifier of this subscription")

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "active", "language", "created_at"]
        read_only_fields = ["created_at"]

    def validate_url(self, url):
        try:
            check_partner_webhook_url(url)
        except UnsafeWebhookURL as error:
            raise serializers.ValidationError(str(error)) from None
        return url


class NewWebhookSubscriptionSerializer(WebhookSubscriptionSerializer):
    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = WebhookSubscriptionSerializer.Meta.fields + ["secret"]
        read_only_fields = ["created_at", "secret"]


class ContactSerializer(serializers.ModelSerializer):
    """A contact with a published person, as a partner with `read:contacts` reads it: the channel
    and the day, never what was said nor who reported it (`reported_by_you` says if your
    organisation did)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    date = PartialDateField("date")
    reported_by_you = serializers.SerializerMethodField()

    class Meta:
        model = PrisonerContact
        fields = ["id", "person", "channel", "date", "date_precision", "reported_by_you", "created_at"]

    def get_reported_by_you(self, contact) -> bool:
        key = getattr(self.context.get("request"), "auth", None)
        organisation_id = getattr(key, "organisation_id", None)
        return organisation_id is not None and contact.reported_by_id == organisation_id


class StaffContactSerializer(ContactSerializer):
    """What a staff session reads: also the details (a confidential read, on record) and the
    organisation that reported it."""

    reported_by = serializers.StringRelatedField()

    class Meta(ContactSerializer.Meta):
        fields = ContactSerializer.Meta.fields + ["details", "reported_by"]


class NewContactSerializer(serializers.Serializer):
    """A contact your organisation reports (key scope `write:contacts`)."""

    person = serializers.SlugField(help_text="The person's slug, as in /api/v1/people/")
    channel = serializers.ChoiceField(choices=choices.ContactChannel.choices)
    date = serializers.CharField(
        help_text="As far as it is known: YYYY-MM-DD, YYYY-MM or YYYY; not in the future", max_length=10
    )
    details = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="What was said or seen, for staff only: stored encrypted and never returned by the API",
    )

    def validate_person(self, slug):
        person = Person.objects.published().filter(slug=slug).first()
        if person is None:
            raise serializers.ValidationError("No published person has this slug.")
        return person

    def validate_date(self, text):
        try:
            return partial_dates.from_iso(text)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class SilenceSerializer(serializers.Serializer):
    """Days without contact of one person held, of any kind and per channel."""

    person = serializers.SlugField()
    days_at_least = serializers.IntegerField(
        allow_null=True, help_text="Certain days since the last contact of any kind; null: none recorded"
    )
    days_at_most = serializers.IntegerField(allow_null=True, help_text="More where the last date is partial")
    last_contact_between = serializers.ListField(
        child=serializers.DateField(), allow_null=True, help_text="The days the last contact may have been on"
    )
    threshold_passed = serializers.BooleanField(help_text="Certainly past the threshold for any contact")
    channels = serializers.DictField(
        child=serializers.IntegerField(allow_null=True),
        help_text="Certain days since the last contact on each channel (null: none recorded)",
    )


class LetterCountSerializer(serializers.ModelSerializer):
    """Letters your organisation reported for a published person and a period."""

    person = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # Declared: a model's PositiveIntegerField has a bound that depends on the database.
    letters_sent = serializers.IntegerField(min_value=0, read_only=True)

    class Meta:
        model = LetterCount
        fields = ["person", "period_start", "period_end", "letters_sent", "reported_at"]


class NewLetterCountSerializer(serializers.Serializer):
    """How many letters your service sent to a person in a period (key scope `write:contacts`):
    a count only, never the letters nor who wrote them. Reporting the same period again replaces
    the count."""

    person = serializers.SlugField(help_text="The person's slug, as in /api/v1/people/")
    period_start = serializers.DateField(help_text="First day of the period")
    period_end = serializers.DateField(help_text="Last day of the period, included (at most a year later)")
    letters_sent = serializers.IntegerField(min_value=0, max_value=100000)

    def validate_person(self, slug):
        person = Person.objects.published().filter(slug=slug).first()
        if person is None:
            raise serializers.ValidationError("No published person has this slug.")
        return person


class ParticularRiskSerializer(serializers.ModelSerializer):
    """A condition or report of ill-treatment that staff published, of a published person."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    person = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    date = PartialDateField("date")

    class Meta:
        model = ParticularRisk
        fields = ["id", "person", "kind", "date", "date_precision", "ended_on", "public_text"]


class StaffParticularRiskSerializer(ParticularRiskSerializer):
    """What a staff session reads: every item, with whether it is public and its details (a
    confidential read, on record)."""

    class Meta(ParticularRiskSerializer.Meta):
        fields = ParticularRiskSerializer.Meta.fields + ["is_public", "details"]
