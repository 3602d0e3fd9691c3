"""The records an import matches cells against: the articles and the facilities of one jurisdiction."""

from collections import defaultdict

from cases.models import Article, Facility, Jurisdiction
from cases.transfer.importing import cells


class ArticleIndex(dict):
    """(number, part) -> Article of one jurisdiction, and the parts each number has."""

    def __init__(self, jurisdiction: Jurisdiction):
        super().__init__(((a.number, a.part), a) for a in Article.objects.filter(jurisdiction=jurisdiction))
        self.parts: dict[str, set[str]] = defaultdict(set)
        for number, part in self:
            self.parts[number].add(part)


def unknown_article_reason(charge, articles: ArticleIndex) -> str:
    parts = articles.parts.get(charge.article)
    if not parts:
        return "is not in the law data of this jurisdiction"
    if not charge.part:
        return f"gives no part, and art. {charge.article} has parts in the law data"
    return f"names a part that art. {charge.article} does not have in the law data"


def facility_key(name: str) -> str:
    return cells.fold(name).replace("№ ", "№")


def facilities_by_name(jurisdiction: Jurisdiction) -> dict[str, Facility]:
    out = {}
    for facility in Facility.objects.filter(jurisdiction=jurisdiction):
        for name in (facility.name_en, facility.name_ru, facility.name_be, facility.slug):
            if name:
                out.setdefault(facility_key(name), facility)
    return out
