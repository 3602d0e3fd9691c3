"""Vocabularies of the domain, as TextChoices so the database stores stable codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    UNKNOWN = "unknown", _("unknown")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    UNKNOWN = "unknown", _("unknown")


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Script(models.TextChoices):
    BE_CYRILLIC = "be_cyrl", _("Belarusian Cyrillic")
    RU_CYRILLIC = "ru_cyrl", _("Russian Cyrillic")
    LATIN = "latin", _("Latin")


class ContentLanguage(models.TextChoices):
    """The languages free text (a biography, an event's description) is written in: the site's."""

    EN = "en", _("English")
    BE = "be", _("Belarusian")
    RU = "ru", _("Russian")


class NameKind(models.TextChoices):
    OFFICIAL_BE = "official_be", _("official Belarusian")
    OFFICIAL_RU = "official_ru", _("official Russian")
    PASSPORT_LATIN = "passport_latin", _("passport Latin")
    OTHER_LATIN = "other_latin", _("other Latin transliteration")
    ALIAS = "alias", _("alias or nickname")


class DeathPenaltyStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    MORATORIUM = "moratorium", _("moratorium")
    ABOLISHED = "abolished", _("abolished")


class SubjectRestriction(models.TextChoices):
    NONE = "", _("anyone")
    OFFICIAL_OR_MILITARY = "official_or_military", _("officials and military only")


class TitleSource(models.TextChoices):
    """Where a translated title came from: the registry's own translation is never shown as official."""

    OFFICIAL = "official", _("official text")
    REGISTRY_TRANSLATION = "registry_translation", _("translated by the registry")


class ArticleCategory(models.TextChoices):
    NONE = "", _("other")
    TERRORISM = "terrorism", _("terrorism")
    TREASON = "treason", _("treason")


class CaseStatus(models.TextChoices):
    DETAINED = "detained", _("detained (pre-trial)")
    HOUSE_ARREST = "house_arrest", _("house arrest")
    ON_TRIAL = "on_trial", _("on trial")
    CONVICTED = "convicted", _("convicted, serving sentence")
    RELEASED = "released", _("released")
    PARDONED = "pardoned", _("pardoned")
    DEPORTED = "deported", _("released and expelled")
    DIED_IN_CUSTODY = "died_in_custody", _("died in custody")
    SENTENCED_IN_ABSENTIA = "in_absentia", _("sentenced in absentia")
    WANTED = "wanted", _("wanted, not detained")


# Statuses in which the person is held by the state right now.
HELD_STATUSES = (CaseStatus.DETAINED, CaseStatus.HOUSE_ARREST, CaseStatus.ON_TRIAL, CaseStatus.CONVICTED)


class DesignationKind(models.TextChoices):
    """What a state's designation list says its people are involved in."""

    TERRORISM = "terrorism", _("terrorist activity")
    EXTREMISM = "extremism", _("extremist activity")
    TERRORISM_OR_EXTREMISM = "both", _("terrorist or extremist activity")


class ReleaseKind(models.TextChoices):
    """How a person left custody in a case (issue 18): the legal way out, as reported."""

    SENTENCE_SERVED = "sentence_served", _("sentence served")
    PARDON = "pardon", _("pardon")
    AMNESTY = "amnesty", _("amnesty")
    PAROLE = "parole", _("parole (early conditional release)")
    EXCHANGE = "exchange", _("exchange or deal with another government")
    DEPORTATION = "deportation", _("forced deportation")
    ACQUITTAL = "acquittal", _("acquittal")
    CHARGES_DROPPED = "charges_dropped", _("charges dropped")
    SENTENCE_CHANGED = "sentence_changed", _("sentence changed to one served at liberty")
    DEATH_IN_CUSTODY = "death_in_custody", _("death in custody")
    OTHER = "other", _("other")
    UNKNOWN = "unknown", _("not known")


# The case status a release leaves, by how it happened; a pardon or a deal that took the person
# across the border is "released and expelled" (cases.services.releases.status_after_release).
RELEASE_STATUS = {
    ReleaseKind.PARDON: CaseStatus.PARDONED,
    ReleaseKind.DEPORTATION: CaseStatus.DEPORTED,
    ReleaseKind.DEATH_IN_CUSTODY: CaseStatus.DIED_IN_CUSTODY,
}
# The statuses that say the person has left custody in the case, and how each says it happened
# (a status alone, from an import or an edit, makes a release whose how is what its word says).
RELEASE_STATUSES = (CaseStatus.RELEASED, CaseStatus.PARDONED, CaseStatus.DEPORTED, CaseStatus.DIED_IN_CUSTODY)
HOW_BY_STATUS = {
    CaseStatus.PARDONED: ReleaseKind.PARDON,
    CaseStatus.DEPORTED: ReleaseKind.DEPORTATION,
    CaseStatus.DIED_IN_CUSTODY: ReleaseKind.DEATH_IN_CUSTODY,
}


class Answer(models.TextChoices):
    """A yes or no that may not be known: never guessed as "no"."""

    UNKNOWN = "", _("not known")
    YES = "yes", _("yes")
    NO = "no", _("no")


class SentenceKind(models.TextChoices):
    NONE = "", _("no sentence yet")
    DEPRIVATION_OF_LIBERTY = "deprivation_of_liberty", _("deprivation of liberty")
    RESTRICTION_OF_FREEDOM = "restriction_of_freedom", _("restriction of freedom")
    ARREST = "arrest", _("arrest")
    FINE = "fine", _("fine")
    CORRECTIONAL_LABOUR = "correctional_labour", _("correctional labour")
    LIFE = "life", _("life imprisonment")
    DEATH = "death", _("death penalty")


# Sentences measured as a term of years and months, from which a release date follows.
TERM_SENTENCES = (
    SentenceKind.DEPRIVATION_OF_LIBERTY,
    SentenceKind.RESTRICTION_OF_FREEDOM,
    SentenceKind.ARREST,
    SentenceKind.CORRECTIONAL_LABOUR,
)


class Regime(models.TextChoices):
    NONE = "", _("not set")
    GENERAL = "general", _("general regime colony")
    REINFORCED = "reinforced", _("reinforced regime colony")
    STRICT = "strict", _("strict regime colony")
    SPECIAL = "special", _("special regime colony")
    SETTLEMENT = "settlement", _("colony-settlement")
    PRISON = "prison", _("prison")
    OPEN_TYPE = "open_type", _("open-type correctional institution")
    HOME = "home", _("at home")


class FacilityKind(models.TextChoices):
    TEMPORARY = "ivs", _("temporary detention facility (IVS)")
    PRE_TRIAL = "sizo", _("pre-trial detention centre (SIZO)")
    COLONY = "colony", _("correctional colony")
    PRISON = "prison", _("prison")
    OPEN_TYPE = "open_type", _("open-type correctional institution")
    MEDICAL = "medical", _("medical correctional facility")
    OTHER = "other", _("other")


class ChargeStage(models.TextChoices):
    COMPLETED = "completed", _("completed offence")
    ATTEMPT = "attempt", _("attempt")
    PREPARATION = "preparation", _("preparation")
    UNKNOWN = "unknown", _("not known")


class ChargeState(models.TextChoices):
    ACTIVE = "active", _("active")
    DROPPED = "dropped", _("dropped")
    RECLASSIFIED = "reclassified", _("reclassified")
    CONVICTED = "convicted", _("convicted")
    ACQUITTED = "acquitted", _("acquitted")


class EventKind(models.TextChoices):
    DETAINED = "detained", _("detained")
    CHARGED = "charged", _("charged")
    CHARGE_DROPPED = "charge_dropped", _("charge dropped")
    RECLASSIFIED = "reclassified", _("charge reclassified")
    TRANSFERRED = "transferred", _("transferred")
    INDICTED = "indicted", _("case sent to court")
    TRIAL = "trial", _("trial")
    VERDICT = "verdict", _("verdict")
    APPEAL = "appeal", _("appeal")
    RELEASED = "released", _("released")
    PARDONED = "pardoned", _("pardoned")
    DEPORTED = "deported", _("expelled from the country")
    DIED = "died", _("died")
    RECOGNISED = "recognised", _("recognised as a political prisoner")
    RISK_CHANGED = "risk_changed", _("risk level changed")
    # Death row (issue 18, point 3): the steps after a death sentence, and the signs families and
    # lawyers report before any official word (executions are carried out in secret).
    CASSATION = "cassation", _("cassation or supervisory review")
    CLEMENCY_FILED = "clemency_filed", _("clemency petition filed")
    CLEMENCY_REFUSED = "clemency_refused", _("clemency refused")
    CLEMENCY_GRANTED = "clemency_granted", _("clemency granted")
    COMMUTED = "commuted", _("death sentence commuted")
    LAST_CONTACT = "last_contact", _("last contact")
    EXECUTION_REPORTED = "execution_reported", _("told the sentence was carried out")
    BELONGINGS_RETURNED = "belongings_returned", _("belongings returned to the family")
    VISIT_REFUSED = "visit_refused", _("visit refused")
    # Designation lists (issue 18, point 5): the state's lists of people "involved in terrorist
    # (or extremist) activity", an inclusion often coming before a terrorism charge.
    DESIGNATED = "designated", _("included in a designation list")
    DELISTED = "delisted", _("removed from a designation list")
    OTHER = "other", _("other")


# What is recorded of a person under a death sentence (cases.services.death_row): each entry of
# these kinds on a case with a death sentence raises an urgent alert to staff and partners.
DEATH_ROW_KINDS = (
    EventKind.APPEAL,
    EventKind.CASSATION,
    EventKind.CLEMENCY_FILED,
    EventKind.CLEMENCY_REFUSED,
    EventKind.CLEMENCY_GRANTED,
    EventKind.COMMUTED,
    EventKind.PARDONED,
    EventKind.LAST_CONTACT,
    EventKind.EXECUTION_REPORTED,
    EventKind.BELONGINGS_RETURNED,
    EventKind.VISIT_REFUSED,
    EventKind.TRANSFERRED,
)
# The dated events that end a death sentence without overwriting it (RISK_RULES.md): the case keeps
# its sentence of death, and its risk ends with a reason from the day of the latest of them.
DEATH_SENTENCE_ENDING_KINDS = (EventKind.COMMUTED, EventKind.CLEMENCY_GRANTED, EventKind.PARDONED)

# Timeline entries that can date the day a person left custody in a case (a pardon or an expulsion
# recorded without a separate 'released' entry counts when the status says the person is out). The
# risk rules' reasons name that day, so adding, moving or removing one asks for an assessment.
CUSTODY_END_KINDS = (EventKind.RELEASED, EventKind.PARDONED, EventKind.DEPORTED, EventKind.DIED)
# Timeline entries the risk rules read: adding, moving or removing one asks for an assessment.
RISK_EVENT_KINDS = tuple(dict.fromkeys(CUSTODY_END_KINDS + DEATH_SENTENCE_ENDING_KINDS))


class SourceKind(models.TextChoices):
    PUBLICATION = "publication", _("publication")
    COURT = "court", _("court or official document")
    HUMAN_RIGHTS = "human_rights", _("human-rights organisation")
    RELATIVE = "relative", _("relative")
    LAWYER = "lawyer", _("lawyer")
    WITNESS = "witness", _("witness or own reporter")
    OTHER = "other", _("other")


class SourceReliability(models.TextChoices):
    """How far a source's word goes (issue 17): shown to staff beside each of its claims, and read
    by the rule that lets a better source's claim replace another's (cases.claims.facts)."""

    FIRST_HAND = "first_hand", _("first-hand (the person, a relative, the lawyer, a witness)")
    DOCUMENTARY = "documentary", _("documentary (a court or official document)")
    REPORTED = "reported", _("reported (media, another organisation's list)")
    UNVERIFIED = "unverified", _("unverified")


class ClaimState(models.TextChoices):
    """Where a claim stands against the other claims on the same fact."""

    ACCEPTED = "accepted", _("accepted: the registry's value")
    AGREES = "agrees", _("agrees with the accepted value")
    CONFLICTING = "conflicting", _("conflicting: not decided yet")
    SUPERSEDED = "superseded", _("superseded: another claim was accepted")


class RecognitionCriterion(models.TextChoices):
    """Grounds of the 2013 Guidelines on the Definition of Political Prisoners (PACE 1900)."""

    FUNDAMENTAL_FREEDOMS = "fundamental_freedoms", _("detention violating fundamental freedoms")
    POLITICAL_NO_OFFENCE = "political_no_offence", _("purely political reasons, no offence")
    DISPROPORTIONATE = "disproportionate", _("disproportionate term or conditions")
    DISCRIMINATORY = "discriminatory", _("discriminatory detention")
    UNFAIR_PROCEEDINGS = "unfair_proceedings", _("clearly unfair proceedings")


class RiskLevel(models.TextChoices):
    """Levels of risk of the death penalty, lowest first (see docs/risk.md)."""

    NONE = "none", _("no identified risk")
    WATCH = "watch", _("watch")
    ELEVATED = "elevated", _("elevated")
    CRITICAL = "critical", _("critical")
    SENTENCED_TO_DEATH = "sentenced_to_death", _("sentenced to death")


RISK_ORDER = [level.value for level in RiskLevel]


class AlertKind(models.TextChoices):
    LEVEL_CHANGED = "level_changed", _("risk level changed")
    DEATH_ROW = "death_row", _("death-row news (urgent)")
    # Keeping in touch (issue 19): a silence passed its threshold; contact came back after one.
    SILENCE = "silence", _("no contact past the threshold")
    CONTACT_RESUMED = "contact_resumed", _("contact resumed")


# Alerts about contact with the person, not about a risk level: they carry no levels.
CONTACT_ALERT_KINDS = (AlertKind.SILENCE, AlertKind.CONTACT_RESUMED)


class ParticularRiskKind(models.TextChoices):
    """What puts a person in custody at particular risk (issue 19, point 4): conditions, and
    reports of ill-treatment. Age over 60 is not recorded: it follows from the birth date."""

    SERIOUS_ILLNESS = "serious_illness", _("serious illness")
    DISABILITY = "disability", _("disability")
    MENTAL_HEALTH = "mental_health", _("mental health condition")
    PREGNANCY = "pregnancy", _("pregnancy")
    BOTH_PARENTS_IMPRISONED = "both_parents_imprisoned", _("both parents in prison")
    OTHER_CONDITION = "other_condition", _("other condition")
    SOLITARY_CONFINEMENT = "solitary_confinement", _("solitary confinement")
    DENIED_MEDICAL_CARE = "denied_medical_care", _("denial of medical care")
    BEATING = "beating", _("beating")
    OTHER_ILL_TREATMENT = "other_ill_treatment", _("other ill-treatment")


ILL_TREATMENT_KINDS = (
    ParticularRiskKind.SOLITARY_CONFINEMENT,
    ParticularRiskKind.DENIED_MEDICAL_CARE,
    ParticularRiskKind.BEATING,
    ParticularRiskKind.OTHER_ILL_TREATMENT,
)
# Age from which a person held counts as at particular risk (the "age over 60").
PARTICULAR_RISK_AGE = 60


class ContactChannel(models.TextChoices):
    """How word of a person in custody came (issue 19): each is counted on its own, and together
    as "any contact"."""

    LETTER = "letter", _("letter from the person")
    LAWYER_VISIT = "lawyer_visit", _("lawyer's visit")
    FAMILY_VISIT = "family_visit", _("family visit")
    CALL = "call", _("phone or video call")
    SEEN_IN_COURT = "seen_in_court", _("seen at a court hearing")
    CELLMATE = "cellmate", _("sign of life through a released cellmate")
    OTHER = "other", _("other sign of life")


class HearingKind(models.TextChoices):
    """What a court hearing is for (issue 19, point 3)."""

    PRELIMINARY = "preliminary", _("preliminary hearing")
    TRIAL = "trial", _("trial session")
    VERDICT = "verdict", _("verdict announcement")
    APPEAL = "appeal", _("appeal hearing")
    SUPERVISORY = "supervisory", _("supervisory review")
    MEASURE = "measure", _("hearing on detention or restraint")
    OTHER = "other", _("other hearing")


class HearingOpenness(models.TextChoices):
    """Whether the public may attend a hearing."""

    OPEN = "open", _("open to the public")
    CLOSED = "closed", _("closed to the public")
    UNKNOWN = "unknown", _("not known")


class HearingState(models.TextChoices):
    """A hearing as scheduled, or what became of it."""

    SCHEDULED = "scheduled", _("scheduled")
    POSTPONED = "postponed", _("postponed")
    CANCELLED = "cancelled", _("cancelled")
