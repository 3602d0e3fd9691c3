"""Who may read which record through the API, restated from api/access.py for the crawl to
check against: published people (not merged away) and what belongs to them, for every caller
with a read scope; internal events too for read:restricted; articles and facilities for all;
a partner submission only for a write:submissions key of its own organisation; a particular-risk
item only when staff published it."""

from cases import choices
from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    Facility,
    Hearing,
    ParticularRisk,
    Person,
    RiskAssessment,
    Submission,
)


def owner(obj) -> Person | None:
    """The person a record belongs to, or None for records of no one (law data, facilities)."""
    if isinstance(obj, Person):
        return obj
    if isinstance(obj, ParticularRisk):
        return obj.person
    if isinstance(obj, Case):
        return obj.person
    if isinstance(obj, Charge | CaseEvent | RiskAssessment | Hearing):
        return obj.case.person
    if isinstance(obj, Article | Facility | Submission):
        return None
    raise AssertionError(f"the attack suite does not know who may read a {type(obj).__name__}: teach owner()")


def is_public_person(person: Person) -> bool:
    return person.publication_state == choices.PublicationState.PUBLISHED and person.merged_into_id is None


def visible_to(obj, *, reads: bool, sees_internal: bool, own_submissions: bool = False) -> bool:
    if isinstance(obj, Submission):  # every key of the crawl is of the organisation that has keys
        return own_submissions and obj.organisation.api_keys.exists()
    if not reads:
        return False
    person = owner(obj)
    if person is not None and not is_public_person(person):
        return False
    if isinstance(obj, Hearing) and not obj.is_public:  # the API lists public hearings only, to anyone
        return False
    if isinstance(obj, ParticularRisk) and not obj.is_public:  # a confidential item reaches no key
        return False
    return not (isinstance(obj, CaseEvent) and not obj.is_public and not sees_internal)
