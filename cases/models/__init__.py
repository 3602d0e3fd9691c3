"""The registry's data, one module per subject; everything is importable from `cases.models`.

Owns: the tables and their invariants (Meta.constraints), querysets and small model methods.
May import: cases.choices, cases.sentences, cases.identity.names, cases.content_languages,
cases.protection.fields; never services, the risk engine or anything that writes on the models'
behalf.
"""

from cases.models.cases import (
    Case,
    CaseEvent,
    CaseQuerySet,
    Charge,
    Facility,
    FacilityStay,
    Reclassification,
    latest_event,
)
from cases.models.claims import Claim, ClaimQuerySet
from cases.models.contacts import LetterCount, PersonSilence, PrisonerContact, SilenceThreshold
from cases.models.designations import (
    Designation,
    DesignationList,
    DesignationSnapshot,
    SnapshotEntry,
)
from cases.models.hearings import CalendarFeedToken, Hearing, HearingQuerySet, hash_calendar_token
from cases.models.identity import DuplicateCandidate, ExternalIdentifier, PersonMerge
from cases.models.imports import ImportProfile, KeptCell
from cases.models.law import Article, Jurisdiction, Region, ShownTitle, WatchListEntry, article_title
from cases.models.partners import (
    Organisation,
    PartnerAPIKey,
    Submission,
    WebhookDelivery,
    WebhookSubscription,
)
from cases.models.people import NameSource, Person, PersonName, PersonQuerySet
from cases.models.records import (
    AuditEntry,
    ChangeRecord,
    ChangeRecordFacts,
    ChargeToReview,
    Contradiction,
    ImportRun,
    ImportRunLine,
    PublishedFile,
    record_change,
)
from cases.models.releases import Release, ReleaseWave, release_event_kinds, release_of
from cases.models.risk import RiskAlert, RiskAssessment
from cases.models.sources import Source
from cases.models.staff import StaffSettings
from cases.models.translated import TranslatedContent, default_content_language, refusal_text
from cases.models.wellbeing import ParticularRisk, PersonAtParticularRisk

__all__ = [
    "Designation",
    "LetterCount",
    "ParticularRisk",
    "PersonAtParticularRisk",
    "PersonSilence",
    "PrisonerContact",
    "SilenceThreshold",
    "DesignationList",
    "DesignationSnapshot",
    "SnapshotEntry",
    "Claim",
    "ClaimQuerySet",
    "Article",
    "ShownTitle",
    "article_title",
    "CalendarFeedToken",
    "Hearing",
    "HearingQuerySet",
    "hash_calendar_token",
    "AuditEntry",
    "Case",
    "CaseEvent",
    "CaseQuerySet",
    "ChangeRecord",
    "ChangeRecordFacts",
    "Charge",
    "ChargeToReview",
    "Contradiction",
    "DuplicateCandidate",
    "ExternalIdentifier",
    "Facility",
    "FacilityStay",
    "ImportProfile",
    "ImportRun",
    "ImportRunLine",
    "PublishedFile",
    "KeptCell",
    "Jurisdiction",
    "Organisation",
    "PartnerAPIKey",
    "Person",
    "PersonMerge",
    "PersonName",
    "NameSource",
    "PersonQuerySet",
    "Reclassification",
    "Region",
    "Release",
    "ReleaseWave",
    "RiskAlert",
    "RiskAssessment",
    "Source",
    "StaffSettings",
    "Submission",
    "TranslatedContent",
    "refusal_text",
    "WatchListEntry",
    "WebhookDelivery",
    "WebhookSubscription",
    "default_content_language",
    "record_change",
    "latest_event",
    "release_event_kinds",
    "release_of",
]
