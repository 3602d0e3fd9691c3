"""The sitemap: published people, and the articles and facilities that have a published person."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from cases import choices
from cases.models import Article, Charge, Facility, FacilityStay, Person
from public.presenters import CURRENT_CHARGE_STATES, article_ref

PUBLISHED = choices.PublicationState.PUBLISHED


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.published().order_by("slug").only("slug", "updated_at")

    def location(self, person):
        return reverse("public:person-detail", args=[person.slug])

    def lastmod(self, person):
        return person.updated_at


class ArticleSitemap(Sitemap):
    def items(self):
        charged = Charge.objects.filter(
            article_id=OuterRef("pk"),
            state__in=CURRENT_CHARGE_STATES,
            case__person__publication_state=PUBLISHED,
        )
        return Article.objects.filter(Exists(charged)).select_related("jurisdiction").order_by("pk")

    def location(self, article):
        return reverse("public:article-detail", args=[article_ref(article, article.jurisdiction.code)])


class FacilitySitemap(Sitemap):
    def items(self):
        held = FacilityStay.objects.filter(
            facility_id=OuterRef("pk"), end_date=None, case__person__publication_state=PUBLISHED
        )
        return Facility.objects.filter(Exists(held)).order_by("slug")

    def location(self, facility):
        return reverse("public:facility-detail", args=[facility.slug])


class PagesSitemap(Sitemap):
    def items(self):
        return ["public:home", "public:person-list", "public:calendar", "public:statistics"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PagesSitemap,
    "people": PersonSitemap,
    "articles": ArticleSitemap,
    "facilities": FacilitySitemap,
}
