"""The REST API for advocacy groups. Views are thin: visibility comes from `api.access`, filters
from `cases.filtersets`, writes from `cases.services`."""

import base64
import time
import uuid

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from api import exports
from api.access import access_for
from api.pagination import KeysetPagination, Pagination
from api.permissions import CanSubmit, ManagesWebhooks, ReadAccess, ReadsContacts, Scope
from api.serializers import (
    ArticleSerializer,
    AssessmentSerializer,
    CaseSerializer,
    ChangeSerializer,
    ChargeSerializer,
    ContactSerializer,
    EventSerializer,
    FacilitySerializer,
    HearingSerializer,
    LetterCountSerializer,
    NewContactSerializer,
    NewLetterCountSerializer,
    NewWebhookSubscriptionSerializer,
    ParticularRiskSerializer,
    PersonSerializer,
    RestrictedEventSerializer,
    RestrictedPersonSerializer,
    SilenceSerializer,
    StaffContactSerializer,
    StaffParticularRiskSerializer,
    SubmissionReceiptSerializer,
    SubmissionSerializer,
    SubmissionStateSerializer,
    WebhookSubscriptionSerializer,
)
from cases import choices, services
from cases.caching import cached_value
from cases.contact import reading
from cases.exceptions import RefusedChange
from cases.filtersets import (
    CONFIDENTIAL_ONLY_FILTERS,
    STAFF_ONLY_FILTERS,
    CaseFilterSet,
    HearingFilterSet,
    PersonFilterSet,
)
from cases.models import (
    Article,
    AuditEntry,
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
    PartnerAPIKey,
    Person,
    PersonName,
    PrisonerContact,
    Release,
    ReleaseWave,
    RiskAssessment,
    Source,
    Submission,
    WebhookSubscription,
)
from cases.protection import audit
from cases.protection.public_role import for_public
from cases.services import intake
from cases.statistics.history import LEVEL_RANKING, registry_series
from registry import page_cache


class AudienceFilterBackend(DjangoFilterBackend):
    """django-filter, with the filters on hidden fields removed for callers who cannot see them."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        refused = sorted(
            name
            for name in CONFIDENTIAL_ONLY_FILTERS & set(view.filterset_class.base_filters)
            if name in request.query_params
        )
        if refused and not access_for(request).sees_confidential:
            raise PermissionDenied(
                f"Looking people up by {', '.join(refused)} needs a key with read:restricted "
                "or a staff session."
            )
        # PostgreSQL refuses NUL in text; say so rather than fail with a server error.
        with_nul = sorted(k for k, values in request.query_params.lists() if any("\x00" in v for v in values))
        if with_nul:
            raise ValidationError({name: "Must not contain a NUL character." for name in with_nul})
        # An empty text filter means "no filter"; an empty date, choice or id is an error.
        empty = sorted(
            name
            for name, field in view.filterset_class.base_filters.items()
            if request.query_params.get(name, None) == "" and type(field).__name__ != "CharFilter"
        )
        if empty:
            raise ValidationError(
                {name: "Must not be empty; leave the parameter out instead." for name in empty}
            )
        if not access_for(request).sees_unpublished:
            data = kwargs["data"].copy()
            for name in STAFF_ONLY_FILTERS:
                value = data.pop(name, None)
                # Checked like any parameter (the schema lists its values), then ignored.
                field = view.filterset_class.base_filters.get(name)
                allowed = {str(choice) for choice, _ in getattr(field, "extra", {}).get("choices", [])}
                if value and allowed and any(v not in allowed for v in value):
                    raise ValidationError({name: f"Must be one of: {', '.join(sorted(allowed))}."})
            kwargs["data"] = data
        return kwargs


class KeptForAnonymous:
    """A list's answers to callers without a key or staff session, kept per data version and
    address (registry.page_cache): anyone without credentials gets the same page for the same
    address. The rate limit has been counted already (DRF's initial())."""

    def list(self, request, *args, **kwargs):
        if not (page_cache.enabled() and access_for(request).is_anonymous):
            return super().list(request, *args, **kwargs)
        data = page_cache.cached_data(
            request,
            self.export_name,
            build=lambda: super(KeptForAnonymous, self).list(request, *args, **kwargs).data,
        )
        return Response(data)


class AudienceViewSet(KeptForAnonymous, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadAccess]
    pagination_class = KeysetPagination
    filter_backends = [AudienceFilterBackend]
    restricted_serializer_class = None
    export_name = "export"

    @property
    def access(self):
        return access_for(self.request)

    def filter_queryset(self, queryset):
        return super().filter_queryset(_readable(self.access, queryset))

    def of_visible_cases(self, queryset):
        """Records that belong to a case: only published people's for the public, and the one
        case named by `?case=<public id>` if given."""
        if not self.access.sees_unpublished:
            queryset = queryset.filter(case__person__publication_state=choices.PublicationState.PUBLISHED)
        case = self.request.query_params.get("case")
        if case is not None:
            queryset = queryset.filter(case__public_id=_uuid(case, "case"))
        return queryset

    def get_serializer_class(self):
        if self.access.sees_confidential and self.restricted_serializer_class:
            return self.restricted_serializer_class
        return self.serializer_class

    def confidential_fields(self) -> list[str]:
        """What the restricted serializer adds to the public one: the fields an audit entry names."""
        if not (self.access.sees_confidential and self.restricted_serializer_class):
            return []
        public = set(self.serializer_class.Meta.fields)
        fields = [f for f in self.restricted_serializer_class.Meta.fields if f not in public]
        return fields + (["confidential sources and contacts"] if self.access.sees_sources else [])

    def get_serializer(self, *args, **kwargs):
        # list() and retrieve() hand the page or the object here: the one place to audit reads.
        if args and self.confidential_fields():
            instances = args[0] if kwargs.get("many") else [args[0]]
            audit.record_request_read(
                self.request, instances, object_type=self.export_name, fields=self.confidential_fields()
            )
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        parameters=[OpenApiParameter("filetype", str, OpenApiParameter.PATH, enum=["csv", "json"])],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/json"): {"type": "array", "items": {"type": "object"}},
        },
    )
    @action(detail=False, url_path=r"export\.(?P<filetype>csv|json)", pagination_class=None)
    def export(self, request, filetype, *args, **kwargs):
        """The whole filtered list as a streamed CSV or JSON file (same filters as the list)."""
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        actor, user = audit.actor_for(request)
        if actor != "anonymous":  # every export by a key or staff member is on record
            audit.record(
                actor=actor,
                user=user,
                action=AuditEntry.Action.EXPORT,
                object_type=self.export_name,
                count=queryset.count(),
                fields=self.confidential_fields(),
                via=f"{request.method} {request.get_full_path()}",  # audit.record drops the values
            )

        def factory(batch):
            return serializer_class(batch, many=True, context=context)

        if filetype == "json":
            return exports.stream_json(queryset, factory, self.export_name)
        return exports.stream_csv(queryset, factory, self.export_name)


def _readable(access, queryset):
    """Callers who see no confidential field (anonymous, read:public keys) read through the
    public database role, which sees published rows and public columns only (cases.protection.public_role)."""
    return queryset if access.sees_confidential else for_public(queryset)


def _public_sources():
    return Prefetch("sources", queryset=Source.objects.order_by("published_on", "pk"))


def _charges_prefetch():
    return Prefetch(
        "charges",
        queryset=Charge.objects.select_related(
            "case", "article__jurisdiction", "reclassified_into", "reclassified_from"
        ).order_by("charged_on", "pk"),
    )


EXTERNAL_ID_PARAMETER = OpenApiParameter(
    "external_id",
    # The first colon ends the scheme; a URL value holds colons of its own.
    {"type": "string", "pattern": "^[^:\\u0000]+:[^\\u0000]+$"},
    description="Only the person another list knows by this id, as <scheme>:<value>, exact "
    "(e.g. prisoners-list:1234 or url:https://example.org/p/1234). Keys with read:restricted "
    "and staff only; anyone else gets 403",
)


@extend_schema_view(
    list=extend_schema(summary="People", parameters=[EXTERNAL_ID_PARAMETER]),
    retrieve=extend_schema(summary="One person"),
)
class PersonViewSet(AudienceViewSet):
    """People in the registry. Anonymous callers and read:public keys see published people only."""

    serializer_class = PersonSerializer
    restricted_serializer_class = RestrictedPersonSerializer
    filterset_class = PersonFilterSet
    lookup_field = "slug"
    export_name = "people"

    def get_queryset(self):
        people = Person.objects.current() if self.access.sees_unpublished else Person.objects.published()
        people = (
            people.select_related("region")
            .prefetch_related(
                Prefetch("names", queryset=_names()),
                Prefetch("cases", queryset=Case.objects.order_by("pk").only("pk", "public_id", "person_id")),
                Prefetch(
                    "claims", queryset=Claim.objects.shown().filter(case__isnull=True), to_attr="shown_claims"
                ),
            )
            .order_by("-updated_at", "-pk")
        )
        if self.access.sees_confidential:  # the public database role cannot read them at all
            people = people.prefetch_related(
                Prefetch("external_ids", queryset=ExternalIdentifier.objects.order_by("scheme", "value"))
            )
        return people


@extend_schema_view(list=extend_schema(summary="Cases"), retrieve=extend_schema(summary="One case"))
class CaseViewSet(AudienceViewSet):
    """Cases with their charges, risk and place of detention."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    lookup_field = "public_id"
    export_name = "cases"

    def get_queryset(self):
        cases = Case.objects.all() if self.access.sees_unpublished else Case.objects.published()
        return (
            cases.select_related("person", "jurisdiction", "release")
            .prefetch_related(
                _charges_prefetch(),
                Prefetch("stays", queryset=_stays()),
                Prefetch("claims", queryset=Claim.objects.shown(), to_attr="shown_claims"),
                Prefetch(
                    "events",
                    queryset=CaseEvent.objects.filter(kind__in=choices.CUSTODY_END_KINDS),
                    to_attr="custody_end_events",
                ),
            )
            .order_by("-detention_date", "-pk")
        )


def _names():
    """A person's names, each with who gives it (for `given_by`)."""
    return PersonName.objects.with_sources().order_by("-is_primary", "kind", "pk")


def _stays():
    return FacilityStay.objects.select_related("facility").order_by("start_date", "pk")


CASE_PARAMETER = OpenApiParameter("case", OpenApiTypes.UUID, description="Only this case (its public id)")


@extend_schema_view(list=extend_schema(parameters=[CASE_PARAMETER]))
class ChargeViewSet(AudienceViewSet):
    """Charges, each with the reclassification that created it and the one that replaced it."""

    serializer_class = ChargeSerializer
    lookup_field = "public_id"
    filter_backends = []
    export_name = "charges"

    def get_queryset(self):
        charges = Charge.objects.select_related(
            "case", "article__jurisdiction", "reclassified_into", "reclassified_from"
        )
        return self.of_visible_cases(charges).order_by("case_id", "charged_on", "pk")

    @extend_schema(responses=ChargeSerializer(many=True))
    @action(detail=True)
    def chain(self, request, public_id=None, format=None):
        """Every charge of this charge's reclassification chain, first to last."""
        charge = self.get_object()
        charges = _readable(self.access, self.get_queryset())
        while (previous := charges.filter(reclassified_into=charge).first()) is not None:
            charge = previous
        chain = [charge]
        while chain[-1].reclassified_into_id:
            chain.append(charges.get(pk=chain[-1].reclassified_into_id))
        return Response(ChargeSerializer(chain, many=True).data)


def _uuid(value, name):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({name: "Not a valid public id."}) from None


@extend_schema_view(list=extend_schema(parameters=[CASE_PARAMETER]))
class EventViewSet(AudienceViewSet):
    """Timeline entries of cases. Internal entries are for staff and read:restricted keys."""

    serializer_class = EventSerializer
    restricted_serializer_class = RestrictedEventSerializer
    lookup_field = "public_id"
    filter_backends = []
    export_name = "events"

    def get_queryset(self):
        events = CaseEvent.objects.select_related("case").prefetch_related(_public_sources())
        if not self.access.sees_confidential:
            events = events.filter(is_public=True)
        return self.of_visible_cases(events).order_by("case_id", "date", "pk")


@extend_schema_view(list=extend_schema(parameters=[CASE_PARAMETER]))
class HearingViewSet(AudienceViewSet):
    """Court hearings of published people that staff made public (issue 19, point 3), by start:
    the same for every caller (the staff keep the others in the admin). Never an internal note."""

    serializer_class = HearingSerializer
    filterset_class = HearingFilterSet
    lookup_field = "public_id"
    export_name = "hearings"

    def get_queryset(self):
        hearings = Hearing.objects.shown_publicly().select_related("case__person")
        return self.of_visible_cases(hearings).order_by("starts_at", "pk")


@extend_schema_view(list=extend_schema(parameters=[CASE_PARAMETER]))
class AssessmentViewSet(AudienceViewSet):
    """The risk assessment history of cases, newest first, with every reason."""

    serializer_class = AssessmentSerializer
    lookup_field = "public_id"
    filter_backends = []
    export_name = "assessments"

    def get_queryset(self):
        assessments = RiskAssessment.objects.select_related("case")
        return self.of_visible_cases(assessments).order_by("-created_at", "-pk")


class ArticleViewSet(AudienceViewSet):
    """Articles of the criminal codes, with their facts, sources and whether they are verified."""

    serializer_class = ArticleSerializer
    filter_backends = []
    lookup_value_regex = r"[A-Z]{2}-[0-9]+(-[0-9]+)?(\.[0-9]+)?"
    lookup_field = "article_id"
    export_name = "articles"

    def get_queryset(self):
        return Article.objects.select_related("jurisdiction").order_by("jurisdiction__code", "number", "part")

    def get_object(self):
        code, _, rest = self.kwargs["article_id"].partition("-")
        number, _, part = rest.partition(".")
        article = self.get_queryset().filter(jurisdiction__code=code, number=number, part=part).first()
        if article is None:
            raise NotFound("No such article part.")
        return article


class FacilityViewSet(AudienceViewSet):
    """Places of detention with the postal address letters must use."""

    serializer_class = FacilitySerializer
    filter_backends = []
    lookup_field = "slug"
    export_name = "facilities"

    def get_queryset(self):
        return Facility.objects.select_related("region", "jurisdiction").order_by("name_en", "pk")


SMALL_COUNT = 5


def _suppress(count: int, access) -> int | str:
    """Counts under 5 are shown as 'fewer than 5' to the public, so no small group stands out."""
    if access.sees_unpublished or count == 0 or count >= SMALL_COUNT:
        return count
    return "fewer than 5"


def _released_in_waves(cases, access):
    """The cases released in a public wave, whose release's entry the caller may see."""
    releases = Release.objects.out() if access.sees_unpublished else Release.objects.shown_publicly()
    return cases.filter(Exists(releases.filter(case_id=OuterRef("pk"), wave__is_public=True)))


class StatisticsView(APIView):
    """Counts over the published registry: held now, at risk, by region, article and risk level."""

    permission_classes = [ReadAccess]

    @extend_schema(
        responses=inline_serializer(
            "Statistics",
            {
                "people": serializers.IntegerField(),
                "held_now": serializers.IntegerField(),
                "at_risk_of_death_penalty": serializers.IntegerField(),
                "by_region": serializers.DictField(),
                "by_risk_level": serializers.DictField(),
                "by_article": serializers.DictField(),
                "release_waves": serializers.IntegerField(
                    help_text="Public waves of people released together"
                ),
                "released_in_waves": serializers.IntegerField(
                    help_text="People (published, for the public) whose release in a public wave is public"
                ),
            },
        )
    )
    def get(self, request):
        access = access_for(request)
        cases = _readable(access, Case.objects.all() if access.sees_unpublished else Case.objects.published())
        held = cases.filter(status__in=choices.HELD_STATUSES)
        at_risk = cases.filter(
            risk_stale=False,
            risk_level__in=[
                choices.RiskLevel.ELEVATED,
                choices.RiskLevel.CRITICAL,
                choices.RiskLevel.SENTENCED_TO_DEATH,
            ],
        )
        by_region = dict(held.values_list("person__region__code").annotate(n=Count("pk")).order_by())
        by_level = dict(
            cases.filter(risk_stale=False).values_list("risk_level").annotate(n=Count("pk")).order_by()
        )
        by_article = dict(
            _readable(access, Charge.objects.filter(case__in=held, state__in=("active", "convicted")))
            .values_list("article__number")
            .annotate(n=Count("case", distinct=True))
            .order_by()
        )
        people = _readable(
            access, Person.objects.all() if access.sees_unpublished else Person.objects.published()
        )
        return Response(
            {
                "people": people.count(),
                "held_now": held.values("person").distinct().count(),
                "at_risk_of_death_penalty": at_risk.values("person").distinct().count(),
                "by_region": {
                    k or "unknown": _suppress(v, access) for k, v in sorted(by_region.items(), key=str)
                },
                "by_risk_level": {k: _suppress(v, access) for k, v in sorted(by_level.items())},
                "by_article": {k: _suppress(v, access) for k, v in sorted(by_article.items())},
                "release_waves": ReleaseWave.objects.filter(is_public=True).count(),
                "released_in_waves": _released_in_waves(cases, access).values("person").distinct().count(),
            }
        )


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": ["fewer than 5"]}],
        "description": "A count; 1 to 4 reads 'fewer than 5' for the public, exact for staff",
    }
)
class CountField(serializers.Field):
    """A count as `_suppress` gives it (documentation only: the view builds plain dicts)."""


def _monthly(name: str, help_text: str):
    return inline_serializer(
        name,
        {
            "per_month": serializers.ListField(child=CountField(), help_text=help_text),
            "not_placed": CountField(
                help_text="People whose date is known only to a year of the series, or not at all"
            ),
        },
    )


class StatisticsSeriesView(APIView):
    """Statistics over time (issue 18, point 6), month by month since 2020, built from the
    registry's own history; the counting rules are in docs/statistics.md."""

    permission_classes = [ReadAccess]

    @extend_schema(
        summary="Monthly series: people held, recognitions, releases (by how), risk levels",
        description=(
            "One value per month of `months` (the current month counted to `counted_to`). The public "
            "sees published people, a release's day only when its timeline entry is public, and "
            "counts from 1 to 4 as 'fewer than 5'; staff see the whole registry, exact. A date "
            "known only to the year (or not at all) is never guessed: it is counted as not placed."
        ),
        responses=inline_serializer(
            "StatisticsSeries",
            {
                "months": serializers.ListField(
                    child=serializers.CharField(), help_text="YYYY-MM, oldest first"
                ),
                "counted_to": serializers.DateField(help_text="The day the current month is counted to"),
                "people_held": inline_serializer(
                    "PeopleHeldSeries",
                    {
                        "held": serializers.ListField(
                            child=CountField(), help_text="People certainly in custody at the month's end"
                        ),
                        "not_placed": serializers.ListField(
                            child=CountField(),
                            help_text="People who may have been in custody then; their dates cannot say",
                        ),
                    },
                ),
                "recognitions": _monthly(
                    "RecognitionsSeries", "People recognised as political prisoners in the month"
                ),
                "releases": _monthly("ReleasesSeries", "People who left custody in the month"),
                "releases_by_how": serializers.DictField(
                    child=_monthly(
                        "ReleasesOfOneKindSeries", "People who left custody in the month this way"
                    ),
                    help_text="By how the release happened (every ReleaseKind)",
                ),
                "risk_levels": serializers.DictField(
                    child=serializers.ListField(child=CountField()),
                    help_text="People at each level at the month's end (the highest of their cases); "
                    "'under_review' at the current month only",
                ),
            },
        ),
    )
    def get(self, request):
        access = access_for(request)
        people = Person.objects.current() if access.sees_unpublished else Person.objects.published()
        # Built from the whole history (seconds at 100,000 people): once per data version, day and
        # kind of reader (what the reader may see decides the counts), never per request.
        today = timezone.localdate()
        data = cached_value(
            "api:statistics-series",
            access.sees_unpublished,
            access.sees_confidential,
            today,
            build=lambda: registry_series(
                Case.objects.filter(person__in=people),
                internal_entries=access.sees_unpublished,
                read=lambda queryset: _readable(access, queryset),
                today=today,
            ),
        )

        def counts(values):
            return [_suppress(v, access) for v in values]

        def monthly(series):
            return {"per_month": counts(series.counts), "not_placed": _suppress(series.not_placed, access)}

        return Response(
            {
                "months": [f"{point:%Y-%m}" for point in data.points],
                "counted_to": data.points[-1],
                "people_held": {"held": counts(data.held.held), "not_placed": counts(data.held.not_placed)},
                "recognitions": monthly(data.recognitions),
                "releases": monthly(data.releases),
                "releases_by_how": {how: monthly(series) for how, series in data.releases_by_how.items()},
                "risk_levels": {level: counts(data.levels[level]) for level in LEVEL_RANKING},
            }
        )


class ChangeFeedPagination:
    """The change feed's cursors: opaque tokens, never row numbers.

    With row numbers, the gap between two cursors counts the entries the caller is not shown
    (drafts, internal events, withdrawn people: issue #13). A cursor is the entry's row id
    encrypted as one AES block under a key derived from SECRET_KEY: a keyed permutation, so an
    entry always has the same cursor and a mirror resumes exactly after it, while nobody without
    the key can read, order, subtract or forge one. SECRET_KEY_FALLBACKS still open the cursors
    of an old key after a rotation. `since` left out (or "0") starts from the beginning.
    """

    max_page_size = 500
    default_page_size = 200
    # The first half of every cursor's block: a block that does not decrypt to it is refused.
    _MARK = b"changes:"

    @classmethod
    def cursor_for(cls, position: int) -> str:
        encryptor = cls._cipher(settings.SECRET_KEY).encryptor()
        block = encryptor.update(cls._MARK + position.to_bytes(8, "big")) + encryptor.finalize()
        return base64.urlsafe_b64encode(block).decode().rstrip("=")

    @classmethod
    def position_of(cls, cursor: str | None) -> int:
        if cursor in (None, "", "0"):
            return 0
        try:
            block = base64.urlsafe_b64decode(cursor + "==")
        except ValueError:
            block = b""
        if len(block) == 16:
            for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
                decryptor = cls._cipher(secret).decryptor()
                plain = decryptor.update(block) + decryptor.finalize()
                if plain.startswith(cls._MARK):
                    return int.from_bytes(plain[len(cls._MARK) :], "big")
        raise ValidationError(
            {"since": "Not a cursor of this feed: pass a next_cursor it gave, or leave it out."}
        )

    @staticmethod
    def _cipher(secret) -> Cipher:
        key = salted_hmac(
            "registry.change-feed-cursor", "aes-128", secret=secret, algorithm="sha256"
        ).digest()
        # One block of ECB is the block cipher itself, a permutation of 16-byte values: what a
        # deterministic cursor needs, and no pattern can repeat within a single block.
        return Cipher(algorithms.AES(key[:16]), modes.ECB())  # noqa: S305


@extend_schema(
    parameters=[
        OpenApiParameter(
            "since",
            {"type": "string", "pattern": "^(0|[A-Za-z0-9_-]{22})?$"},
            description="The next_cursor of your last page; leave it out (or 0) to start from the beginning",
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": 500},
            description="How many changes at most (1-500, default 200)",
        ),
    ],
    responses=inline_serializer(
        "ChangePage",
        {
            "results": ChangeSerializer(many=True),
            "next_cursor": serializers.CharField(),
            "has_more": serializers.BooleanField(),
        },
    ),
)
class ChangeFeedView(APIView):
    """Every change visible to the caller, in order. Keep `next_cursor` and ask again with it.

    A person who is withdrawn appears as one `removed` change that names them by their UUID
    (`person_uuid`, given with every earlier change of theirs) and nothing more: drop the record
    from your mirror. Their earlier changes leave the feed. Changes show up a few seconds after
    they are made, so that a transaction still committing cannot be skipped.
    """

    permission_classes = [ReadAccess]

    def get(self, request):
        if not (page_cache.enabled() and access_for(request).is_anonymous):
            return Response(self.page(request))
        # Entries join the feed as they settle, not only when the data version moves: the key
        # holds the settling window too, so a kept answer is at most two windows late.
        window = int(time.time() // max(settings.CHANGE_FEED_SETTLE_SECONDS, 1))
        return Response(
            page_cache.cached_data(request, f"changes:{window}", build=lambda: self.page(request))
        )

    def page(self, request) -> dict:
        access = access_for(request)
        since = ChangeFeedPagination.position_of(request.query_params.get("since"))
        limit = _int_param(
            request,
            "limit",
            ChangeFeedPagination.default_page_size,
            minimum=1,
            maximum=ChangeFeedPagination.max_page_size,
        )
        settled = timezone.now() - timezone.timedelta(seconds=settings.CHANGE_FEED_SETTLE_SECONDS)
        # Read through "default" for every caller: a `removed` entry belongs to a person who is
        # no longer published, whom the public database role cannot see.
        changes = ChangeRecord.objects.filter(id__gt=since, created_at__lte=settled)
        if not access.sees_unpublished:
            changes = changes.published(internal=access.sees_confidential, contacts=access.reads_contacts)
        page = list(changes.select_related("person").order_by("id")[: limit + 1])
        has_more = len(page) > limit
        page = page[:limit]
        for change in page:
            change.cursor = ChangeFeedPagination.cursor_for(change.id)
        return {
            "results": ChangeSerializer(page, many=True).data,
            "next_cursor": page[-1].cursor if page else ChangeFeedPagination.cursor_for(since),
            "has_more": has_more,
        }


def _as_bad_request(refusal: RefusedChange) -> ValidationError:
    """A service's refusal as a 400 that names the fields, as the serializers' own errors do."""
    return ValidationError(refusal.message_dict if hasattr(refusal, "error_dict") else refusal.messages)


def _int_param(request, name, default, *, minimum=None, maximum=None):
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: "Must be a whole number."}) from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValidationError({name: f"Must be between {minimum} and {maximum}."})
    return value


READBACK = (
    "Your organisation's own submissions (key scope `write:submissions`), newest first: their state "
    "in moderation, when they were received and handled, and the person once a submission was "
    "accepted and the person published. Another organisation's submission answers 404, as a "
    "missing one."
)


@extend_schema_view(
    list=extend_schema(summary="Your submissions", description=READBACK),
    retrieve=extend_schema(summary="One of your submissions", description=READBACK),
)
class SubmissionViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Report a new detention (key scope `write:submissions`). It waits in the staff moderation
    queue and is never public as sent."""

    permission_classes = [CanSubmit]
    serializer_class = SubmissionStateSerializer
    pagination_class = Pagination
    lookup_field = "public_id"

    @property
    def throttle_scope(self):
        # The reporting rate limits reports; reading back their state counts at the key's rate only.
        return Scope.WRITE_SUBMISSIONS if self.action == "create" else None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no partner
            return Submission.objects.none()
        published = Prefetch("person", queryset=Person.objects.published(), to_attr="published_person")
        return (
            Submission.objects.filter(organisation=self.request.auth.organisation)
            .defer("payload")  # the report is never read back: not even decrypted here
            .prefetch_related(published)
            .order_by("-received_at", "-pk")
        )

    def get_serializer_class(self):
        return SubmissionSerializer if self.action == "create" else SubmissionStateSerializer

    @extend_schema(request=SubmissionSerializer, responses={201: SubmissionReceiptSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = intake.receive_submission(
            organisation=request.auth.organisation, payload=serializer.validated_data
        )
        receipt = {
            "id": submission.public_id,
            "state": submission.state,
            "received_at": submission.received_at,
        }
        return Response(SubmissionReceiptSerializer(receipt).data, status=status.HTTP_201_CREATED)


CONTACTS = (
    "Contacts with published people in custody (key scope `read:contacts`), newest first: the "
    "channel and the day, never what was said nor who reported it. `?person=<slug>` for one person."
)


@extend_schema_view(
    list=extend_schema(summary="Contacts", description=CONTACTS),
    create=extend_schema(
        summary="Report a contact",
        description="A letter from the person, a lawyer's or family visit, a call, being seen in court, word "
        "through a released cellmate (key scope `write:contacts`). It counts at once for the days without "
        "contact; contact coming back after a long silence alerts staff.",
        request=NewContactSerializer,
        responses={201: ContactSerializer},
    ),
)
class ContactViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadsContacts]
    pagination_class = Pagination

    @property
    def throttle_scope(self):
        return Scope.WRITE_CONTACTS if self.action == "create" else None

    def get_queryset(self):
        contacts = PrisonerContact.objects.select_related("person", "reported_by").order_by(
            "-latest_day", "-date", "-pk"
        )
        if not access_for(self.request).is_staff:
            contacts = contacts.filter(person__in=Person.objects.published())
        slug = self.request.query_params.get("person")
        if slug is not None:
            contacts = contacts.filter(person__slug=slug)
        return contacts

    def get_serializer_class(self):
        if self.action == "create":
            return NewContactSerializer
        return StaffContactSerializer if access_for(self.request).is_staff else ContactSerializer

    def get_serializer(self, *args, **kwargs):
        if args and self.action == "list" and access_for(self.request).is_staff:
            audit.record_request_read(
                self.request, args[0], object_type="contacts", fields=["details", "reported_by"]
            )
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = NewContactSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        date, precision = data["date"]
        try:
            contact = services.record_contact(
                person=data["person"],
                channel=data["channel"],
                date=date,
                date_precision=precision,
                details=data.get("details", ""),
                reported_by=request.auth.organisation,
            )
        except RefusedChange as refusal:
            raise _as_bad_request(refusal) from None
        contact = PrisonerContact.objects.select_related("person").get(pk=contact.pk)
        return Response(
            ContactSerializer(contact, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


@extend_schema_view(
    list=extend_schema(
        summary="Your letter counts",
        description="The letter counts your organisation reported (key scope `read:contacts`), latest "
        "period first; `?person=<slug>` for one person.",
    ),
    create=extend_schema(
        summary="Report letters sent",
        description="How many letters your letter-writing service sent to a published person in a period "
        "(key scope `write:contacts`); a count only. The same period again replaces the count. The public "
        "'write a letter' page lists first the people with the fewest letters in the last three months.",
        request=NewLetterCountSerializer,
        responses={201: LetterCountSerializer},
    ),
)
class LetterCountViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [ReadsContacts]
    pagination_class = Pagination
    serializer_class = LetterCountSerializer

    @property
    def throttle_scope(self):
        return Scope.WRITE_CONTACTS if self.action == "create" else None

    def get_queryset(self):
        counts = LetterCount.objects.select_related("person").order_by("-period_end", "-pk")
        if isinstance(self.request.auth, PartnerAPIKey):
            counts = counts.filter(
                organisation=self.request.auth.organisation, person__in=Person.objects.published()
            )
        slug = self.request.query_params.get("person")
        return counts if slug is None else counts.filter(person__slug=slug)

    def get_serializer_class(self):
        return NewLetterCountSerializer if self.action == "create" else LetterCountSerializer

    def create(self, request, *args, **kwargs):
        serializer = NewLetterCountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            count = services.report_letters(
                organisation=request.auth.organisation, **serializer.validated_data
            )
        except RefusedChange as refusal:
            raise _as_bad_request(refusal) from None
        return Response(LetterCountSerializer(count).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Particular risk",
        description="Conditions (serious illness, disability, mental health, pregnancy, both parents in "
        "prison) and reports of ill-treatment (solitary confinement, denial of medical care, beating) that "
        "staff published, of published people; `?person=<slug>` for one person. Confidential items and "
        "what was told stay with staff.",
    ),
    retrieve=extend_schema(summary="One item of particular risk"),
)
class ParticularRiskViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ReadAccess]
    serializer_class = ParticularRiskSerializer
    pagination_class = Pagination
    lookup_field = "public_id"

    def get_queryset(self):
        items = ParticularRisk.objects.select_related("person").order_by("-date", "-pk")
        access = access_for(self.request)
        if not (access.is_staff and self.request.user.has_perm("cases.view_particularrisk")):
            items = for_public(ParticularRisk.objects.shown_publicly().select_related("person")).order_by(
                "-date", "-pk"
            )
        slug = self.request.query_params.get("person")
        return items if slug is None else items.filter(person__slug=slug)

    def _sees_details(self) -> bool:
        return access_for(self.request).is_staff and self.request.user.has_perm("cases.view_particularrisk")

    def get_serializer_class(self):
        return StaffParticularRiskSerializer if self._sees_details() else ParticularRiskSerializer

    def get_serializer(self, *args, **kwargs):
        if args and self._sees_details():
            instances = args[0] if kwargs.get("many") else [args[0]]
            audit.record_request_read(
                self.request, instances, object_type="particular_risks", fields=["details"]
            )
        return super().get_serializer(*args, **kwargs)


SILENCE_CHANNELS = tuple(choices.ContactChannel.values)


@extend_schema(
    summary="Days without contact",
    description="Published people held (every person held, for staff), the longest certain silence first, "
    "people with no contact recorded last (key scope `read:contacts`). A date known only to the month or "
    "the year gives a range: `days_at_least` is certain.",
    responses=SilenceSerializer(many=True),
)
class SilenceView(APIView):
    permission_classes = [ReadsContacts]

    def get(self, request):
        people = Person.objects.current() if access_for(request).is_staff else Person.objects.published()
        people = reading.people_by_silence(people, channels=SILENCE_CHANNELS)
        paginator = Pagination()
        page = paginator.paginate_queryset(people, request, view=self)
        today = timezone.localdate()
        rows = [
            {
                "person": person.slug,
                "days_at_least": _days_since(person.last_any, today),
                "days_at_most": _days_since(person.first_any, today),
                "last_contact_between": [person.first_any, person.last_any] if person.last_any else None,
                "threshold_passed": person.last_any is not None
                and _days_since(person.last_any, today) >= person.threshold_any,
                "channels": {c: _days_since(getattr(person, f"last_{c}"), today) for c in SILENCE_CHANNELS},
            }
            for person in page
        ]
        return paginator.get_paginated_response(SilenceSerializer(rows, many=True).data)


def _days_since(day, today):
    return None if day is None else max((today - day).days, 0)


class WebhookSubscriptionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """A partner's webhook subscriptions (key scope `webhooks`): list, add (https, public hosts
    only; the signing secret is returned once) and remove. The deliveries, their signature and
    retries are described in the guide at the top of these docs."""

    permission_classes = [ManagesWebhooks]
    throttle_scope = Scope.WEBHOOKS
    serializer_class = WebhookSubscriptionSerializer
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no partner
            return WebhookSubscription.objects.none()
        return WebhookSubscription.objects.filter(partner=self.request.auth.organisation).order_by("pk")

    def get_serializer_class(self):
        return NewWebhookSubscriptionSerializer if self.action == "create" else WebhookSubscriptionSerializer

    def perform_create(self, serializer):
        organisation = self.request.auth.organisation
        serializer.save(partner=organisation, organisation=organisation.name)
