"""Timeline entries the registry writes become messages (issue 20, point 1; docs/languages.md).

The entries written before, as English sentences, are read back into their code and parameters
where the sentence is one the registry wrote (a change of risk level, a reclassification, a
listing); anything else keeps its text. Risk reasons need no migration of their rows: a stored
reason without a code is shown as the English it was stored with, and the next pass (the rules'
version changed) stores every case's reasons as messages.
"""

import re

from django.db import migrations, models

# cases.choices.RiskLevel's English labels, as the entries were written with them.
RISK_LEVELS = {
    "no identified risk": "none",
    "watch": "watch",
    "elevated": "elevated",
    "critical": "critical",
    "sentenced to death": "sentenced_to_death",
}
LEVEL_CHANGE = re.compile(r"^Risk of the death penalty: (?P<old>.+) → (?P<new>.+)\.$")
NOTATION = r"art\. (?P<{0}number>[\w-]+)(?: part (?P<{0}part>\w+))?"
RECLASSIFICATION = re.compile("^" + NOTATION.format("a") + " → " + NOTATION.format("b") + "$")
LISTED = [
    (
        "designation_listed_given",
        re.compile(r"^Included in the list “(?P<list>.+)” \(the day the list gives; first seen in its snapshot of (?P<seen>[\d-]+)\)\.$"),
    ),
    (
        "designation_listed_after",
        re.compile(r"^Included in the list “(?P<list>.+)”: first seen in its snapshot of (?P<seen>[\d-]+); not in the one of (?P<after>[\d-]+)\.$"),
    ),
    (
        "designation_listed",
        re.compile(r"^Included in the list “(?P<list>.+)”: first seen in its snapshot of (?P<seen>[\d-]+)\.$"),
    ),
]


def message_of(kind: str, text: str) -> dict:
    """The message an English entry the registry wrote says; {} for any other text."""
    if kind == "risk_changed" and (found := LEVEL_CHANGE.match(text)):
        old, new = RISK_LEVELS.get(found["old"]), RISK_LEVELS.get(found["new"])
        if old and new:
            return {
                "code": "risk_changed",
                "params": {"old": {"choice": ["RiskLevel", old]}, "new": {"choice": ["RiskLevel", new]}},
            }
    if kind == "reclassified" and (found := RECLASSIFICATION.match(text)):
        return {
            "code": "reclassified",
            "params": {
                "from": {"notation": {"number": found["anumber"], "part": found["apart"] or ""}},
                "to": {"notation": {"number": found["bnumber"], "part": found["bpart"] or ""}},
            },
        }
    if kind == "designated":
        for code, pattern in LISTED:
            if found := pattern.match(text):
                return {"code": code, "params": found.groupdict()}
    return {}


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    kinds = ["risk_changed", "reclassified", "designated"]
    changed = []
    for event in CaseEvent.objects.filter(kind__in=kinds).only("pk", "kind", "text").iterator(chunk_size=2000):
        said = message_of(event.kind, event.text)
        if said:
            event.message = said
            changed.append(event)
        if len(changed) >= 2000:
            CaseEvent.objects.bulk_update(changed, ["message"])
            changed = []
    CaseEvent.objects.bulk_update(changed, ["message"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0035_hearings"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="message",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="historicalcaseevent",
            name="message",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
