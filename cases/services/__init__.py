"""Every write to the registry goes through one of these functions.

The admin, the API, imports and tasks call them so that every path checks the same rules,
records the same timeline events and history, and triggers the same follow-up work. Each
function is atomic: it either does everything it says or nothing, and its docstring lists its
side effects. One module per subject; every verb is importable from `cases.services`.
Moderating partner submissions (`cases.services.intake`) and merging records
(`cases.services.merging`) are built on these verbs and imported as modules of their own.

Owns: the writes and their rules. May import: models, the risk engine's queue (to mark cases
stale), identity and protection; never admin, transfer, tasks, api or public. Background work is
asked for through `cases.background`, never by importing a task.
"""

from cases.services.base import validated_save
from cases.services.cases import (
    CASE_FIELDS,
    ENDING_STATES,
    add_charge,
    correct_stay,
    create_case,
    end_charge,
    reclassify_charge,
    record_event,
    redate_event,
    transfer_person,
    update_case,
    update_charge_facts,
)
from cases.services.contacts import (
    correct_contact,
    raise_silence_alerts,
    record_contact,
    remove_contact,
    report_letters,
)
from cases.services.contradictions import (
    check_case_contradictions,
    check_cases_contradictions,
    resolve_contradiction,
    row_contradictions,
)
from cases.services.corrections import correct_charge, withdraw_charge
from cases.services.death_row import record_death_row_event
from cases.services.designations import (
    confirm_designation_snapshot,
    import_designation_snapshot,
    review_snapshot,
    save_designation_list,
    undo_designation,
)
from cases.services.details import DETAIL_MODELS, remove_event, save_detail
from cases.services.facilities import confirm_facility, propose_facility
from cases.services.hearings import (
    HEARING_FIELDS,
    cancel_hearing,
    change_hearing,
    hearing_start,
    issue_calendar_token,
    revoke_calendar_tokens,
    schedule_hearing,
)
from cases.services.identity import (
    add_external_identifier,
    correct_external_identifier,
    remove_external_identifier,
)
from cases.services.law import save_law_data
from cases.services.people import (
    PERSON_FIELDS,
    NameSpec,
    add_person_name,
    cite_person_name,
    create_person,
    publish_person,
    update_person,
    withdraw_person,
)
from cases.services.releases import RELEASE_FIELDS, correct_release, record_release, status_after_release
from cases.services.review import add_reported_charges, record_charge_to_review, resolve_charge_to_review
from cases.services.staff import set_staff_language
from cases.services.triage import acknowledge_alert, resolve_alert
from cases.services.waves import WaveOutcome, create_wave, match_announced_names, record_wave_releases
from cases.services.wellbeing import correct_particular_risk, record_particular_risk, remove_particular_risk

__all__ = [
    "set_staff_language",
    "correct_contact",
    "raise_silence_alerts",
    "record_contact",
    "remove_contact",
    "report_letters",
    "correct_particular_risk",
    "record_particular_risk",
    "remove_particular_risk",
    "HEARING_FIELDS",
    "cancel_hearing",
    "change_hearing",
    "hearing_start",
    "issue_calendar_token",
    "revoke_calendar_tokens",
    "schedule_hearing",
    "confirm_designation_snapshot",
    "import_designation_snapshot",
    "review_snapshot",
    "save_designation_list",
    "undo_designation",
    "acknowledge_alert",
    "WaveOutcome",
    "create_wave",
    "match_announced_names",
    "record_wave_releases",
    "resolve_alert",
    "CASE_FIELDS",
    "DETAIL_MODELS",
    "ENDING_STATES",
    "PERSON_FIELDS",
    "RELEASE_FIELDS",
    "NameSpec",
    "add_charge",
    "add_reported_charges",
    "add_external_identifier",
    "add_person_name",
    "cite_person_name",
    "confirm_facility",
    "check_case_contradictions",
    "check_cases_contradictions",
    "correct_charge",
    "correct_release",
    "correct_stay",
    "correct_external_identifier",
    "create_case",
    "create_person",
    "end_charge",
    "propose_facility",
    "publish_person",
    "reclassify_charge",
    "resolve_contradiction",
    "row_contradictions",
    "remove_external_identifier",
    "record_charge_to_review",
    "record_death_row_event",
    "record_event",
    "record_release",
    "remove_event",
    "redate_event",
    "resolve_charge_to_review",
    "save_detail",
    "save_law_data",
    "status_after_release",
    "transfer_person",
    "update_case",
    "update_charge_facts",
    "update_person",
    "validated_save",
    "withdraw_charge",
    "withdraw_person",
]
