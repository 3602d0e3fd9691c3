"""The sentences the registry writes itself, as codes with parameters (docs/languages.md).

A risk reason or a timeline entry the registry writes is stored as a message: a `code` naming one
of TEMPLATES and `params`, plain JSON. It is rendered when it is shown, in the reader's language:
`render(message, speaker)` fills the template with the parameters, each rendered by the speaker
(which knows the language). The English speaker is here, pure, so the risk rules (which import no
Django) can say their reasons in English; `cases.wording.render` gives the Belarusian and Russian
ones through the catalogues in locale/.

A parameter is one of:
- a string or a number: written as it is, but for an ISO date ("2024-07-03", "2024-07"), which
  the speaker writes the way its language writes dates (English keeps ISO: the stored English
  texts stay as they were);
- {"term": key}: a word or phrase of TERMS, translated;
- {"message": {"code": …, "params": …}}: a message inside this one (a reason quoting another);
- {"list": [parameter, …]}: the parameters joined "a, b and c" in the language;
- {"items": [parameter, …]}: the parameters joined "a; b; c" (an import row's changes);
- {"field": [model, name]}: a field of a model of cases, by its verbose name in the language (its
  name as it is in English: an import report names the fields a row changed so);
- {"article": {"law": "BY", "number": "289", "part": "3", "title": "…", "stage": "completed"}}: an
  article part in the language's notation, with its title ("title": English, kept for English and
  as a fallback); {"notation": {…}}: the same without the title;
- {"country": code, "name": English name}: a country named in the language;
- {"choice": [vocabulary, value]}: a label of a cases.choices vocabulary (rendered outside the
  pure rules only);
- {"claim": {…}, "label": English}: what a conflicting claim says (rendered outside the rules);
- {"msgid": English}: a sentence said elsewhere (a service's refusal), translated through the
  catalogues where they have it, else as it is;
- {"name": original, "en": English}: a proper name (a state's list) in English for English readers,
  else as the original has it.

The templates and terms are English msgids: `gettext_noop` below only marks them, so that
`makemessages` puts them in the catalogues; a test renders every one in every language.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass


def gettext_noop(text: str) -> str:
    """Marks a msgid for makemessages (which looks for this name); translated when rendered."""
    return text


TEMPLATES: dict[str, str] = {
    # Risk reasons (cases.risk.rules) ---------------------------------------------------------
    "death_sentence": gettext_noop("A death sentence was handed down on %(date)s and has not been commuted."),
    "death_sentence_undated": gettext_noop("A death sentence was handed down and has not been commuted."),
    "death_sentence_ended": gettext_noop(
        "The death sentence (verdict %(verdict)s) %(how)s on %(day)s: it can no longer be carried "
        "out, and the conviction no longer counts towards the risk of execution."
    ),
    "death_sentence_ended_undated": gettext_noop(
        "The death sentence %(how)s on %(day)s: it can no longer be carried out, and the conviction "
        "no longer counts towards the risk of execution."
    ),
    "ruled_out": gettext_noop(
        "%(subject)s is under a capital article, but cannot carry the death penalty because %(because)s."
    ),
    "exempt": gettext_noop(
        "%(subject)s carries the death penalty in %(law)s, but it cannot be imposed because %(because)s."
    ),
    "moratorium": gettext_noop(
        "%(subject)s in %(law)s is a capital article under moratorium: not a risk of execution."
    ),
    "capital_unknown_fact": gettext_noop(
        "%(subject)s may carry the death penalty in %(law)s, and it cannot be ruled out while "
        "%(facts)s is not recorded."
    ),
    "capital_unknown_facts": gettext_noop(
        "%(subject)s may carry the death penalty in %(law)s, and it cannot be ruled out while "
        "%(facts)s are not recorded."
    ),
    "capital_charge": gettext_noop(
        "%(subject)s carries the death penalty in %(law)s and no exemption applies."
    ),
    "recent_reclassification": gettext_noop(
        "The charge was reclassified from %(from)s to %(article)s, %(into)s, on %(date)s, within the "
        "last %(days)s days (this flag lapses after %(lapses)s)%(note)s."
    ),
    "recent_reclassification_no_source": gettext_noop(
        "The charge was reclassified to %(article)s, %(into)s, on %(date)s, within the last %(days)s "
        "days (this flag lapses after %(lapses)s)%(note)s."
    ),
    "watch_list": gettext_noop("%(subject)s is on the watch list: %(reason)s."),
    "verdict_final": gettext_noop(
        "%(conviction)s became final on %(final)s: the charge no longer counts towards the risk of execution."
    ),
    "conviction_not_final": gettext_noop(
        "%(conviction)s %(pending)s: until it is, an appeal may still seek the death penalty, so the "
        "charge stays on watch. Before the verdict: %(before)s"
    ),
    "died_in_custody": gettext_noop(
        "Died in custody on %(day)s: the case no longer carries a risk of execution. Before, the case "
        "was at level %(level)s: %(before)s"
    ),
    "released": gettext_noop(
        "Released on %(day)s (%(how)s): no longer held in this case, so its charges no longer count "
        "towards the risk of execution. Before, the case was at level %(level)s: %(before)s"
    ),
    "released_how_unknown": gettext_noop(
        "Released on %(day)s: no longer held in this case, so its charges no longer count towards the "
        "risk of execution. Before, the case was at level %(level)s: %(before)s"
    ),
    "designated": gettext_noop(
        "Listed as %(what)s since %(since)s, on the “%(list)s”: an inclusion often comes before a "
        "terrorism charge."
    ),
    "designated_at_the_latest": gettext_noop(
        "Listed as %(what)s since %(since)s at the latest, on the “%(list)s”: an inclusion often "
        "comes before a terrorism charge."
    ),
    "designated_at_the_latest_after": gettext_noop(
        "Listed as %(what)s since %(since)s at the latest (not on it on %(after)s), on the “%(list)s”: "
        "an inclusion often comes before a terrorism charge."
    ),
    "contested_higher": gettext_noop(
        "Contested: by the claim that the %(claim)s, the level is %(level)s, not %(accepted)s (a "
        "contested fact never lowers a level). %(why)s"
    ),
    "contested_lower": gettext_noop(
        "Contested: by the claim that the %(claim)s, the level would be %(level)s; a contested fact "
        "never lowers a level, so it stays %(accepted)s until the conflict is decided."
    ),
    # Parts of reasons ------------------------------------------------------------------------
    "subject": gettext_noop("The charge under %(article)s"),
    "subject_attempt": gettext_noop("The charge of attempt under %(article)s"),
    "subject_preparation": gettext_noop("The charge of preparation under %(article)s"),
    "act_predates": gettext_noop("the act (%(when)s) predates the day the part became capital (%(since)s)"),
    "attempt_predates": gettext_noop(
        "the attempt (%(when)s) predates the day attempts on the part became capital (%(since)s)"
    ),
    "on_or_before": gettext_noop("on or before %(date)s"),
    "conviction": gettext_noop("The conviction under %(article)s with a sentence of %(sentence)s"),
    "conviction_dated": gettext_noop(
        "The conviction under %(article)s with a sentence of %(sentence)s (verdict %(verdict)s)"
    ),
    "may_not_be_final": gettext_noop("may not be final yet (final %(final)s)"),
    "claim": gettext_noop("%(fact)s is %(value)s"),
    "claim_of_charge": gettext_noop("%(fact)s of %(article)s is %(value)s"),
    # Timeline entries the registry writes (cases.services, cases.risk.assessment) -------------
    "risk_changed": gettext_noop("Risk of the death penalty: %(old)s → %(new)s."),
    "reclassified": gettext_noop("%(from)s → %(to)s"),
    "designation_listed": gettext_noop(
        "Included in the list “%(list)s”: first seen in its snapshot of %(seen)s."
    ),
    "designation_listed_after": gettext_noop(
        "Included in the list “%(list)s”: first seen in its snapshot of %(seen)s; not in the one of "
        "%(after)s."
    ),
    "designation_listed_given": gettext_noop(
        "Included in the list “%(list)s” (the day the list gives; first seen in its snapshot of %(seen)s)."
    ),
    # Import report (cases.transfer.importing): its problems, warnings and row changes. A
    # parameter here is data the line stored before messages too (column names, row numbers,
    # article notations, statuses, facility names), never another cell's contents.
    # The header:
    "import.column_without_name": gettext_noop("a column without a name"),
    "import.column_not_in_profile": gettext_noop(
        "not a column of the %(profile)s profile: its cells are kept verbatim with the import for "
        "staff to read (add it to the profile to read it)"
    ),
    "import.second_column": gettext_noop("a second column for the same field"),
    "import.required_missing": gettext_noop("this required column is missing"),
    "import.no_rows": gettext_noop("the file has a header but no rows"),
    # A row's cells:
    "import.formula": gettext_noop("a formula is refused: paste the value instead"),
    "import.stray_values": gettext_noop("%(count)s value(s) in columns without a name"),
    "import.not_recorded_kept": gettext_noop("%(reason)s: not recorded; the cell is kept for review"),
    "import.the_name": gettext_noop("the name %(problem)s"),
    "import.the_sentence": gettext_noop("the sentence %(problem)s"),
    "import.the_cell": gettext_noop("the cell %(problem)s"),
    "import.name_empty": gettext_noop("the name is empty"),
    "import.no_identifier": gettext_noop(
        "neither id nor url: without an identifier a re-import would create the person again"
    ),
    "import.verdict_before_detention": gettext_noop("the verdict date is before the detention date"),
    "import.final_before_verdict": gettext_noop(
        "the verdict cannot become final before the day it was handed down"
    ),
    "import.contradiction": gettext_noop("contradiction, flagged for staff: %(what)s"),
    "cell.formula_sign": gettext_noop(
        "starts with = + - or @, which a spreadsheet runs as a formula: refused (write the value "
        "without the leading sign)"
    ),
    "cell.not_yes_no": gettext_noop(
        "'%(text)s' is neither yes nor no for this import (да/нет, так/не, yes/no)"
    ),
    "cell.not_a_link": gettext_noop("is not a link: write the address starting with http:// or https://"),
    "cell.mixed_scripts": gettext_noop("mixes Cyrillic and Latin letters: write the name in one script"),
    "cell.no_letters": gettext_noop("has no letters"),
    "cell.unknown_sex": gettext_noop("'%(text)s' is not a sex this import knows: write м/ж or male/female"),
    "cell.unknown_status": gettext_noop(
        "'%(text)s' is not a status this import knows (e.g. задержан, осужден, освобожден, в розыске, "
        "or the registry's own codes)"
    ),
    "cell.unknown_release_how": gettext_noop(
        "'%(text)s' is not a way out of custody this import knows (e.g. отбыл срок, помилован, УДО, "
        "амнистия, депортирован, or the registry's own codes)"
    ),
    "cell.house_arrest": gettext_noop(
        "house arrest is a pre-trial measure, not a sentence: put it in the status"
    ),
    "cell.unreadable_sentence": gettext_noop(
        "is not a sentence this import can read (e.g. '3 года колонии общего режима', 'штраф')"
    ),
    "cell.no_term": gettext_noop("names a sentence without its term in years or months"),
    "date.not_a_date": gettext_noop("not a date: write DD.MM.YYYY, MM.YYYY or YYYY"),
    "date.too_early": gettext_noop("a year before %(year)s is not plausible"),
    "date.future": gettext_noop("the date is in the future"),
    "date.no_month": gettext_noop("there is no month %(month)s"),
    "date.no_day": gettext_noop("day %(day)s does not exist in that month"),
    # Matching rows to the registry:
    "import.same_identifier": gettext_noop("the same identifier as row %(row)s"),
    "import.url_of_another": gettext_noop("this url belongs to another person than the id"),
    "import.which_case": gettext_noop(
        "the person has %(count)s cases in %(law)s and the detention date does not tell which one "
        "this row describes"
    ),
    "import.possible_duplicate": gettext_noop(
        "possible duplicate of %(people)s (the same name in another spelling); created as a new "
        "person, not merged: compare and merge by hand if it is one"
    ),
    "import.same_name": gettext_noop(
        "the same name as row(s) %(rows)s with another identifier: imported as different people"
    ),
    # Writing rows:
    "import.database_refused": gettext_noop("the database refused the row (a rule of the registry)"),
    # A service's refusal (a validation message): its English, translated where the catalogue has it.
    "import.refused": gettext_noop("%(refusal)s"),
    "import.claim_conflict": gettext_noop(
        "the list says %(fact)s %(said)s; the registry keeps %(kept)s: a conflict for review (Claims)"
    ),
    "import.not_in_list": gettext_noop("%(article)s is in the registry but not in the list: left as it is"),
    "import.kept_for_review": gettext_noop("'%(text)s' %(reason)s: kept for review"),
    "import.with_the_cell": gettext_noop("%(reason)s; the cell: '%(cell)s'"),
    "import.uncertain": gettext_noop("could be read in more than one way (%(how)s): a person decides"),
    "import.unreadable_article": gettext_noop("could not be read as an article"),
    "import.not_in_law": gettext_noop("is not in the law data of this jurisdiction"),
    "import.no_part": gettext_noop("gives no part, and art. %(number)s has parts in the law data"),
    "import.no_such_part": gettext_noop("names a part that art. %(number)s does not have in the law data"),
    "import.release_how_differs": gettext_noop(
        "the list says %(said)s, the registry %(kept)s (recorded by staff): kept, decide on the case page"
    ),
    "import.release_how_alone": gettext_noop(
        "how the person left custody is given, but not that they did: not recorded"
    ),
    "facility.several": gettext_noop("'%(cell)s' names more than one place of detention: not recorded"),
    "facility.to_review": gettext_noop(
        "'%(cell)s': held in '%(facility)s', a facility still to be confirmed by a Publisher"
    ),
    "facility.ambiguous": gettext_noop(
        "'%(cell)s' could be any of %(names)s: write its postcode or town; not recorded"
    ),
    "facility.proposed": gettext_noop("no facility matches '%(cell)s': proposed '%(facility)s' for review"),
    "facility.proposed_not": gettext_noop(
        "no facility matches '%(cell)s': proposed '%(facility)s' for review (not '%(unlike)s', whose "
        "%(differs)s differs)"
    ),
    # What happened to a row (its changes, joined by "; "):
    "import.changes": gettext_noop("%(changes)s"),
    "change.new_person_and_case": gettext_noop("new person and case"),
    "change.person_created": gettext_noop("person created"),
    "change.another_spelling": gettext_noop("name: another spelling added"),
    "change.identifier_added": gettext_noop("identifier %(scheme)s added"),
    "change.case_created": gettext_noop("case in %(law)s created"),
    "change.field": gettext_noop("%(field)s"),
    "change.conflicting_claim": gettext_noop("%(fact)s: conflicting claim"),
    "change.list_agrees": gettext_noop("%(fact)s: the list agrees"),
    "change.released_event_added": gettext_noop("released event added"),
    "change.release_date_moved": gettext_noop("release date moved"),
    "change.held_in": gettext_noop("held in %(facility)s"),
    "change.reclassified": gettext_noop("reclassified %(from)s → %(to)s"),
    "change.charge_added": gettext_noop("charge %(article)s added"),
    "change.review_added": gettext_noop("charge to review added"),
    "change.event_added": gettext_noop("%(kind)s event added"),
    "change.release": gettext_noop("release: %(how)s"),
    # The column table (ImportReport.columns) and the report's headline:
    "column.feeds_nothing": gettext_noop("feeds no field: %(read)s cells kept verbatim with the import"),
    "column.not_in_profile": gettext_noop("not in the profile: %(read)s cells kept verbatim with the import"),
    "column.read_as": gettext_noop("read as %(field)s: %(read)s read, %(empty)s empty"),
    "column.read_as_doubtful": gettext_noop(
        "read as %(field)s: %(read)s read, %(empty)s empty, %(doubtful)s not understood (kept for "
        "review or refused)"
    ),
    # Refusals of translations of staff-written text (cases.content_languages) -----------------
    "translations.not_mapping": gettext_noop(
        'Translations are written per language and field, e.g. {"be": {"biography": "…"}}.'
    ),
    "translations.unknown_language": gettext_noop(
        "Unknown language %(languages)s in the translations: write them in %(known)s."
    ),
    "translations.language_not_mapping": gettext_noop(
        'The %(language)s translations are written per field, e.g. {"%(language)s": {"biography": "…"}}.'
    ),
    "translations.unknown_field": gettext_noop(
        "Unknown field %(fields)s in the %(language)s translations: only %(known)s can be translated here."
    ),
    "translations.not_text": gettext_noop("The %(language)s translation of %(field)s must be text."),
    "translations.too_long": gettext_noop(
        "The %(language)s translation of %(field)s is %(length)s characters long; at most %(limit)s "
        "fit, as in the original."
    ),
    "translations.original_language": gettext_noop(
        "The original is written in %(language)s, so a %(language)s translation would never be "
        "shown: edit the original itself, or say which language the original is in."
    ),
}

# The English wording's version: a stored result's digest holds it instead of each reason's English
# text (cases.risk.assessment.digest), so a changed template still rewrites the stored texts.
WORDING_VERSION = hashlib.sha256(json.dumps(TEMPLATES, sort_keys=True).encode()).hexdigest()[:16]

TERMS: dict[str, str] = {
    "and": gettext_noop("and"),
    "date.unknown": gettext_noop("an unknown day"),
    "date.not_recorded": gettext_noop("a day not recorded"),
    "clause.attempt_never": gettext_noop("an attempt under this part never carries it"),
    "clause.preparation_never": gettext_noop("preparation never carries it"),
    "clause.subject": gettext_noop(
        "the part applies only to officials and military, and the person is neither"
    ),
    "clause.moratorium": gettext_noop("; capital article under moratorium: not a risk of execution"),
    "exemption.female": gettext_noop("the person is a woman"),
    "exemption.under_18_at_offence": gettext_noop("the person was under 18 on the date of the act"),
    "exemption.male_65_at_sentencing": gettext_noop(
        "the person is a man aged 65 or older on the day of sentencing"
    ),
    "exemption.male_65_before_sentencing": gettext_noop(
        "the person is a man aged 65 or older on the day of this assessment, before sentencing"
    ),
    "fact.sex": gettext_noop("the person's sex"),
    "fact.birth date": gettext_noop("the person's birth date"),
    "fact.exact birth date": gettext_noop("the person's exact birth date"),
    "fact.offence date": gettext_noop("the date of the act"),
    "fact.exact offence date": gettext_noop("the exact date of the act"),
    "fact.exact verdict date": gettext_noop("the exact date of the verdict"),
    "fact.stage": gettext_noop("the stage of the offence"),
    "fact.official or military status": gettext_noop("whether the person is an official or military"),
    "into.capital": gettext_noop("a capital part"),
    "into.terrorism": gettext_noop("a terrorism article"),
    "into.treason": gettext_noop("a treason article"),
    "pending.not_final": gettext_noop("is not final, or the day it became final is not recorded"),
    "ended.commuted": gettext_noop("was commuted"),
    "ended.clemency_granted": gettext_noop("was commuted by clemency"),
    "ended.pardoned": gettext_noop("was ended by a pardon"),
    "ended.other": gettext_noop("was ended"),
    "level.none": gettext_noop("none"),
    "level.watch": gettext_noop("watch"),
    "level.elevated": gettext_noop("elevated"),
    "level.critical": gettext_noop("critical"),
    "level.sentenced_to_death": gettext_noop("sentenced to death"),
    "designation.terrorism": gettext_noop("involved in terrorist activity"),
    "designation.extremism": gettext_noop("involved in extremist activity"),
    "designation.both": gettext_noop("involved in terrorist or extremist activity"),
    "designation.other": gettext_noop("designated"),
    "release.sentence_served": gettext_noop("sentence served"),
    "release.pardon": gettext_noop("pardoned"),
    "release.amnesty": gettext_noop("amnesty"),
    "release.parole": gettext_noop("parole"),
    "release.exchange": gettext_noop("in an exchange or deal with another government"),
    "release.deportation": gettext_noop("deported"),
    "release.acquittal": gettext_noop("acquitted"),
    "release.charges_dropped": gettext_noop("charges dropped"),
    "release.sentence_changed": gettext_noop("sentence changed to one served at liberty"),
    "sentence.deprivation_of_liberty": gettext_noop("deprivation of liberty"),
    "sentence.restriction_of_freedom": gettext_noop("restriction of freedom"),
    "sentence.arrest": gettext_noop("arrest"),
    "sentence.fine": gettext_noop("a fine"),
    "sentence.correctional_labour": gettext_noop("correctional labour"),
    "sentence.life": gettext_noop("life imprisonment"),
    # The facts a conflicting claim can be about (cases.claims.facts: each risk-relevant one).
    "claim.person.sex": gettext_noop("sex"),
    "claim.person.birth_date": gettext_noop("birth date"),
    "claim.person.is_official_or_military": gettext_noop("official or military status"),
    "claim.case.status": gettext_noop("status"),
    "claim.case.detention_date": gettext_noop("detention date"),
    "claim.case.verdict_date": gettext_noop("verdict date"),
    "claim.case.verdict_final_on": gettext_noop("day the verdict became final"),
    "claim.case.sentence": gettext_noop("sentence"),
    "claim.charge.offence_date": gettext_noop("offence date"),
    "claim.charge.stage": gettext_noop("stage"),
    "claim.charge.charged_on": gettext_noop("date charged"),
    # Facts an import claims that are not among the risk's (claim.*):
    "import.fact.case.facility": gettext_noop("facility where held"),
    "import.fact.case.released_on": gettext_noop("release date"),
    "facility.town": gettext_noop("town"),
    "yes": gettext_noop("yes"),
    "no": gettext_noop("no"),
}


def message(code: str, **params) -> dict:
    """A message as it is stored: {"code": …, "params": …}. Unknown codes fail here, at once."""
    if code not in TEMPLATES:
        raise KeyError(f"no template for the message code {code!r}")
    return {"code": code, "params": params}


def term(key: str) -> dict:
    if key not in TERMS:
        raise KeyError(f"no term {key!r}")
    return {"term": key}


def listed(*items) -> dict:
    return {"list": list(items)}


def nested(found: Mapping) -> dict:
    return {"message": {"code": found["code"], "params": found["params"]}}


# A parameter written as an ISO day or month is a date; a year alone reads the same everywhere.
ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


@dataclass(frozen=True)
class Speaker:
    """How one language says the parts of a message that are not plain words."""

    translate: Callable[[str], str]  # an English msgid in the language
    article: Callable[[Mapping, bool], str]  # an article param, with its title or not
    country: Callable[[str, str], str]  # (code, English name) in the language
    choice: Callable[[str, str], str]  # (vocabulary, value): the label
    claim: Callable[[Mapping, str], str]  # (claim, English label): what a claim says
    language: str = "en"
    date: Callable[[str], str] = str  # an ISO date ("2024-07-03", "2024-07") as the language writes it
    field: Callable[[str, str], str] = lambda model, name: name  # (model, field name): its name


def render(found: Mapping, speaker: Speaker) -> str:
    """The message in the speaker's language."""
    template = speaker.translate(TEMPLATES[found["code"]])
    params = {name: render_param(value, speaker) for name, value in found.get("params", {}).items()}
    return template % params if params else template


def render_param(value, speaker: Speaker) -> str:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return speaker.date(value)
    if isinstance(value, str | int | float):
        return str(value)
    if "term" in value:
        return speaker.translate(TERMS[value["term"]])
    if "message" in value:
        return render(value["message"], speaker)
    if "list" in value:
        words = [render_param(item, speaker) for item in value["list"]]
        if len(words) <= 1:
            return "".join(words)
        return f"{', '.join(words[:-1])} {speaker.translate(TERMS['and'])} {words[-1]}"
    if "items" in value:
        return "; ".join(render_param(item, speaker) for item in value["items"])
    if "field" in value:
        return speaker.field(*value["field"])
    if "article" in value:
        return speaker.article(value["article"], True)
    if "notation" in value:
        return speaker.article(value["notation"], False)
    if "country" in value:
        return speaker.country(value["country"], value.get("name", value["country"]))
    if "choice" in value:
        return speaker.choice(*value["choice"])
    if "claim" in value:
        return speaker.claim(value["claim"], value.get("label", ""))
    if "name" in value:
        return (value.get("en") or value["name"]) if speaker.language == "en" else value["name"]
    if "msgid" in value:
        return speaker.translate(value["msgid"])
    raise ValueError(f"a message parameter of no known kind: {value!r}")


def english_notation(article: Mapping) -> str:
    """'art. 289 part 3', or 'art. 127' for an article without parts (the rules' notation)."""
    number, part = article["number"], article.get("part", "")
    return f"art. {number} part {part}" if part else f"art. {number}"


def _english_article(article: Mapping, with_title: bool) -> str:
    notation = english_notation(article)
    title = article.get("title", "")
    return f"{notation} ({title})" if with_title and title else notation


def _no_choice(vocabulary: str, value: str) -> str:
    return str(value).replace("_", " ")


ENGLISH = Speaker(
    translate=lambda text: text,
    article=_english_article,
    country=lambda code, name: name,
    choice=_no_choice,
    claim=lambda claim, label: label,
)


def english(found: Mapping) -> str:
    """The message in English, without Django (the risk rules' `Reason.text`)."""
    return render(found, ENGLISH)


def codes_in(found: Mapping) -> set[str]:
    """Every template code a message uses, itself and those inside it (for tests and checks)."""
    out = {found["code"]}

    def walk(value):
        if isinstance(value, dict):
            if "message" in value:
                out.update(codes_in(value["message"]))
            for item in (*value.get("list", ()), *value.get("items", ())):
                walk(item)

    for value in found.get("params", {}).values():
        walk(value)
    return out
