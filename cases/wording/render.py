"""Messages (cases.wording.catalogue) rendered in English, Belarusian or Russian.

`Renderer(language)` renders many messages for one page or answer: it looks up the article titles
they name in one query and keeps them. A stored reason or timeline entry from before messages
(no `code`) is shown as the English text it was stored with, and `language_of` says so, so the
page can mark it (docs/languages.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from cases import choices, countries, partial_dates
from cases.claims import facts as claim_facts
from cases.models import Article, article_title
from cases.wording import catalogue
from cases.wording.catalogue import Speaker


def article_words(number: str, part: str, stage: str = "completed") -> str:
    """'art. 289 part 3' in the active language (the public pages' notation)."""
    if part:
        text = gettext("art. %(number)s part %(part)s") % {"number": number, "part": part}
    else:
        text = gettext("art. %(number)s") % {"number": number}
    if stage == "attempt":
        return gettext("attempt, %(article)s") % {"article": text}
    if stage == "preparation":
        return gettext("preparation, %(article)s") % {"article": text}
    return text


class Renderer:
    """Renders messages in one language; reuse it for the messages of one page."""

    def __init__(self, language: str | None = None):
        self.language = language or translation.get_language() or "en"
        self._titles: dict[tuple[str, str, str], str] = {}  # the title in this language
        self.speaker = Speaker(
            translate=self._translate,
            article=self._article,
            country=lambda code, name: countries.country_name(code, self.language) or name,
            choice=self._choice,
            claim=self._claim,
            language=self.language,
            date=self._date,
            field=self._field,
        )

    def _date(self, text: str) -> str:
        """'03.07.2024' or 'ліпень 2024' in Belarusian and Russian; English keeps the ISO form its
        stored texts have."""
        if self.language == "en":
            return text
        try:
            return partial_dates.describe(*partial_dates.from_iso(text), language=self.language)
        except ValueError:  # not a real day ("2024-13"): as it was written
            return text

    # Rendering -------------------------------------------------------------------------------

    def render(self, found: Mapping) -> str:
        """The message in this renderer's language; a stored item without a code is its text."""
        if not found.get("code"):
            return found.get("text", "")
        if found["code"] not in catalogue.TEMPLATES:
            # A code of a later version read by an older one (a rollback): its English, if stored.
            return found.get("text", "") or found["code"]
        with translation.override(self.language):
            return catalogue.render(found, self.speaker)

    def render_all(self, messages: Iterable[Mapping]) -> list[str]:
        messages = list(messages)
        self.prefetch(messages)
        return [self.render(found) for found in messages]

    def reasons_for_readers(self, reasons: list[dict]) -> list[dict]:
        """Stored risk reasons as partners read them (the API, webhooks): the message, its text in
        this language and the language of that text. The database's charge ids stay inside."""
        self.prefetch(reasons)
        return [
            {
                "rule": r["rule"],
                "level": r["level"],
                "article": r["article"],
                "code": r.get("code"),
                "params": r.get("params", {}),
                "text": self.render(r),
                "language": self.language_of(r),
            }
            for r in reasons
        ]

    def language_of(self, found: Mapping) -> str:
        """The language the rendered text is in: this one, or English for a stored text."""
        return self.language if found.get("code") in catalogue.TEMPLATES else "en"

    def prefetch(self, messages: Iterable[Mapping]) -> None:
        """Look up the titles of every article the messages name, in one query."""
        wanted = {key for found in messages for key in _articles_in(found.get("params", {}))}
        wanted -= set(self._titles)
        if not wanted or self.language == "en":
            return
        query = Q()
        for law, number, part in wanted:
            query |= Q(jurisdiction__code=law, number=number, part=part)
        for article in Article.objects.filter(query).select_related("jurisdiction"):
            key = (article.jurisdiction.code, article.number, article.part)
            self._titles[key] = article_title(article, self.language).text
        for key in wanted:
            self._titles.setdefault(key, "")

    # The speaker's parts -----------------------------------------------------------------------

    def _translate(self, text: str) -> str:
        return gettext(text)

    def _article(self, article: Mapping, with_title: bool) -> str:
        notation = article_words(article["number"], article.get("part", ""))
        if not with_title:
            return notation
        key = (article.get("law", ""), article["number"], article.get("part", ""))
        if key not in self._titles and key[0] and self.language != "en":
            self.prefetch([{"params": {"a": {"article": article}}}])
        # The law data's title in this language (cases.models.article_title), else the English
        # one the message was written with (an article no longer in the law data).
        title = self._titles.get(key) or article.get("title", "")
        return f"{notation} ({title})" if title else notation

    def _choice(self, vocabulary: str, value: str) -> str:
        labels = dict(getattr(choices, vocabulary).choices)
        return str(labels.get(value, value))

    def _field(self, model: str, name: str) -> str:
        """A field of a model of cases by its verbose name (translated where the model marks it)."""
        try:
            return str(apps.get_model("cases", model)._meta.get_field(name).verbose_name)
        except (LookupError, FieldDoesNotExist):
            return name

    def _claim(self, claim: Mapping, label: str) -> str:
        fact = claim.get("fact", "")
        if claim.get("value_only"):
            # The claimed value alone, in words (an import report's conflict).
            spec = claim_facts.FACTS.get(fact)
            return claim_facts.describe(spec, claim.get("value"), self.language) if spec else label
        if f"claim.{fact}" not in catalogue.TERMS or fact not in claim_facts.FACTS:
            return label
        spec = claim_facts.FACTS[fact]
        value = claim.get("value")
        if spec.kind == claim_facts.BOOL:
            words = gettext(catalogue.TERMS["yes" if value else "no"])
        else:
            words = claim_facts.describe(spec, value, self.language)
        said = {"fact": gettext(catalogue.TERMS[f"claim.{fact}"]), "value": words}
        if claim.get("article"):
            return gettext(catalogue.TEMPLATES["claim_of_charge"]) % {
                **said,
                "article": self._article(claim["article"], False),
            }
        return gettext(catalogue.TEMPLATES["claim"]) % said


def render(found: Mapping, language: str | None = None) -> str:
    """One message in a language (the active one by default)."""
    return Renderer(language).render(found)


def _articles_in(params) -> Iterable[tuple[str, str, str]]:
    values = params.values() if isinstance(params, Mapping) else params
    for value in values:
        if not isinstance(value, Mapping):
            continue
        if "article" in value and isinstance(value["article"], Mapping) and value["article"].get("law"):
            article = value["article"]
            yield article["law"], article["number"], article.get("part", "")
        if "message" in value:
            yield from _articles_in(value["message"].get("params", {}))
        if "list" in value:
            yield from _articles_in(value["list"])
        if "items" in value:
            yield from _articles_in(value["items"])
