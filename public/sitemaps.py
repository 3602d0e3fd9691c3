"""The sitemaps: published people, and the articles and facilities that have a published person.

One sitemap per language, at that language's address (`/sitemap.xml` for the default,
`/be/sitemap.xml`, `/ru/sitemap.xml`): each lists its language's pages, and every entry names the
same page in the other languages (`hreflang` alternates, and `x-default` for the unprefixed one).
"""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import get_language

from cases import choices
from cases.models import Article, Charge, Facility, FacilityStay, Person
from public.presenters import CURRENT_CHARGE_STATES, article_ref

PUBLISHED = choices.PublicationState.PUBLISHED


class LanguageSitemap(Sitemap):
    """The pages in the language of the address it is read at, each with its alternates."""

    i18n = True
    alternates = True
    x_default = True

    def _items(self):
        # Django's i18n sitemap lists every item in every language; ours lists the language
        # of its own address and names the others as alternates.
        language = (get_language() or "en").split("-")[0]
        return [(item, language) for item in self.items()]


class PersonSitemap(LanguageSitemap):
    def items(self):
        return Person.objects.published().order_by("slug").only("slug", "updated_at")

    def location(self, person):
        return reverse("public:person-detail", args=[person.slug])

    def lastmod(self, person):
        return person.updated_at


class ArticleSitemap(LanguageSitemap):
    def items(self):
        charged = Charge.objects.filter(
            article_id=OuterRef("pk"),
            state__in=CURRENT_CHARGE_STATES,
            case__person__publication_state=PUBLISHED,
        )
        return Article.objects.filter(Exists(charged)).select_related("jurisdiction").order_by("pk")

    def location(self, article):
        return reverse("public:article-detail", args=[article_ref(article, article.jurisdiction.code)])


class FacilitySitemap(LanguageSitemap):
    def items(self):
        held = FacilityStay.objects.filter(
            facility_id=OuterRef("pk"), end_date=None, case__person__publication_state=PUBLISHED
        )
        return Facility.objects.filter(Exists(held)).order_by("slug")

    def location(self, facility):
        return reverse("public:facility-detail", args=[facility.slug])


class PagesSitemap(LanguageSitemap):
    def items(self):
        return [
            "public:home",
            "public:person-list",
            "public:calendar",
            "public:statistics",
            "public:write-letters",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap,
    "people": PersonSitemap,
    "articles": ArticleSitemap,
    "facilities": FacilitySitemap,
}


def language_sitemap(request):
    return sitemap(request, sitemaps=SITEMAPS)
