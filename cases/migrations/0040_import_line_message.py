"""Import report lines become messages (issue 20, point 1; docs/languages.md).

ImportRunLine gets `message`, the line as a code and its parameters, rendered in the reader's
language; `text` stays the English rendering. The lines written before, as English sentences, are
read back into messages where the sentence is one the importer wrote in a shape that can be read
back reliably (the templates below, frozen as they were when this migration was written; a
reason quoting another reason is read back when the quoted one is). A row's changes are read back
when every change is. Anything else keeps {"text": …}: shown as it was, in English, marked so.
"""

import re

from django.db import migrations, models

TEMPLATES = {
    "import.column_without_name": "a column without a name",
    "import.column_not_in_profile": (
        "not a column of the %(profile)s profile: its cells are kept verbatim with the import for "
        "staff to read (add it to the profile to read it)"
    ),
    "import.second_column": "a second column for the same field",
    "import.required_missing": "this required column is missing",
    "import.no_rows": "the file has a header but no rows",
    "import.formula": "a formula is refused: paste the value instead",
    "import.stray_values": "%(count)s value(s) in columns without a name",
    "import.not_recorded_kept": "%(reason)s: not recorded; the cell is kept for review",
    "import.the_name": "the name %(problem)s",
    "import.the_sentence": "the sentence %(problem)s",
    "import.the_cell": "the cell %(problem)s",
    "import.name_empty": "the name is empty",
    "import.no_identifier": (
        "neither id nor url: without an identifier a re-import would create the person again"
    ),
    "import.verdict_before_detention": "the verdict date is before the detention date",
    "import.final_before_verdict": "the verdict cannot become final before the day it was handed down",
    "import.contradiction": "contradiction, flagged for staff: %(what)s",
    "cell.formula_sign": (
        "starts with = + - or @, which a spreadsheet runs as a formula: refused (write the value "
        "without the leading sign)"
    ),
    "cell.not_yes_no": "'%(text)s' is neither yes nor no for this import (да/нет, так/не, yes/no)",
    "cell.not_a_link": "is not a link: write the address starting with http:// or https://",
    "cell.mixed_scripts": "mixes Cyrillic and Latin letters: write the name in one script",
    "cell.no_letters": "has no letters",
    "cell.unknown_sex": "'%(text)s' is not a sex this import knows: write м/ж or male/female",
    "cell.unknown_status": (
        "'%(text)s' is not a status this import knows (e.g. задержан, осужден, освобожден, в "
        "розыске, or the registry's own codes)"
    ),
    "cell.unknown_release_how": (
        "'%(text)s' is not a way out of custody this import knows (e.g. отбыл срок, помилован, УДО,"
        " амнистия, депортирован, or the registry's own codes)"
    ),
    "cell.house_arrest": "house arrest is a pre-trial measure, not a sentence: put it in the status",
    "cell.unreadable_sentence": (
        "is not a sentence this import can read (e.g. '3 года колонии общего режима', 'штраф')"
    ),
    "cell.no_term": "names a sentence without its term in years or months",
    "date.not_a_date": "not a date: write DD.MM.YYYY, MM.YYYY or YYYY",
    "date.too_early": "a year before %(year)s is not plausible",
    "date.future": "the date is in the future",
    "date.no_month": "there is no month %(month)s",
    "date.no_day": "day %(day)s does not exist in that month",
    "import.same_identifier": "the same identifier as row %(row)s",
    "import.url_of_another": "this url belongs to another person than the id",
    "import.which_case": (
        "the person has %(count)s cases in %(law)s and the detention date does not tell which one "
        "this row describes"
    ),
    "import.possible_duplicate": (
        "possible duplicate of %(people)s (the same name in another spelling); created as a new "
        "person, not merged: compare and merge by hand if it is one"
    ),
    "import.same_name": (
        "the same name as row(s) %(rows)s with another identifier: imported as different people"
    ),
    "import.database_refused": "the database refused the row (a rule of the registry)",
    "import.kept_for_review": "'%(text)s' %(reason)s: kept for review",
    "import.with_the_cell": "%(reason)s; the cell: '%(cell)s'",
    "import.unreadable_article": "could not be read as an article",
    "import.not_in_law": "is not in the law data of this jurisdiction",
    "import.no_part": "gives no part, and art. %(number)s has parts in the law data",
    "import.no_such_part": "names a part that art. %(number)s does not have in the law data",
    "import.release_how_alone": "how the person left custody is given, but not that they did: not recorded",
    "facility.several": "'%(cell)s' names more than one place of detention: not recorded",
    "facility.to_review": (
        "'%(cell)s': held in '%(facility)s', a facility still to be confirmed by a Publisher"
    ),
    "facility.ambiguous": "'%(cell)s' could be any of %(names)s: write its postcode or town; not recorded",
    "facility.proposed": "no facility matches '%(cell)s': proposed '%(facility)s' for review",
    "change.new_person_and_case": "new person and case",
    "change.person_created": "person created",
    "change.another_spelling": "name: another spelling added",
    "change.identifier_added": "identifier %(scheme)s added",
    "change.case_created": "case in %(law)s created",
    "change.released_event_added": "released event added",
    "change.release_date_moved": "release date moved",
    "change.held_in": "held in %(facility)s",
    "change.review_added": "charge to review added",
}
# The parameters that quote another reason (a message inside this one).
NESTED = {
    "import.not_recorded_kept": {"reason"},
    "import.the_name": {"problem"},
    "import.the_sentence": {"problem"},
    "import.the_cell": {"problem"},
    "import.kept_for_review": {"reason"},
    "import.with_the_cell": {"reason"},
}
# The record's fields a row's changes name (a {"field": [model, name]} parameter), and the model
# of those that are not the case's.
FIELD_MODELS = {
    "sex": "Person",
    "birth_date": "Person",
    "birth_date_precision": "Person",
    "facility": "FacilityStay",
}
FIELDS = {
    "sex",
    "birth_date",
    "birth_date_precision",
    "status",
    "court",
    "judge",
    "prosecutor",
    "detention_date",
    "detention_date_precision",
    "verdict_date",
    "verdict_date_precision",
    "verdict_final_on",
    "verdict_final_on_precision",
    "recognised_on",
    "recognised_on_precision",
    "recognition_statement_url",
    "recognised_by",
    "sentence_kind",
    "sentence_years",
    "sentence_months",
    "sentence_regime",
    "facility",
    "released_on",
    "released_on_precision",
}


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


PATTERNS = [(code, _pattern(template)) for code, template in TEMPLATES.items()]


def read_back(text: str) -> dict | None:
    """The message an English reason the importer wrote says, or None."""
    for code, pattern in PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        params = {}
        for name, value in found.groupdict().items():
            if name in NESTED.get(code, ()):
                inner = read_back(value)
                if inner is None:
                    break
                params[name] = {"message": inner}
            else:
                params[name] = value
        else:
            return {"code": code, "params": params}
    return None


def read_back_changes(text: str) -> dict | None:
    items = []
    for change in text.split("; "):
        if change in FIELDS:
            model = FIELD_MODELS.get(change, "Case")
            field = {"field": [model, change]}
            items.append({"message": {"code": "change.field", "params": {"field": field}}})
        elif (said := read_back(change)) and said["code"].startswith("change."):
            items.append({"message": said})
        else:
            return None
    return {"code": "import.changes", "params": {"changes": {"items": items}}}


def message_of(kind: str, text: str) -> dict:
    if not text:
        return {}
    said = read_back_changes(text) if kind == "row" else read_back(text)
    return said or {"text": text}


def forwards(apps, schema_editor):
    ImportRunLine = apps.get_model("cases", "ImportRunLine")
    changed = []
    for line in ImportRunLine.objects.only("pk", "kind", "text").iterator(chunk_size=2000):
        line.message = message_of(line.kind, line.text)
        if line.message:
            changed.append(line)
        if len(changed) >= 2000:
            ImportRunLine.objects.bulk_update(changed, ["message"])
            changed = []
    ImportRunLine.objects.bulk_update(changed, ["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0039_article_title_be_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="importrunline",
            name="message",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
