from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from public import calendar, downloads, views
from public.feeds import ChangesFeed
from public.sitemaps import SITEMAPS

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.person_list, name="person-list"),
    path("people/<slug:slug>/", views.person_detail, name="person-detail"),
    path("articles/<str:ref>/", views.article_detail, name="article-detail"),
    path("facilities/<slug:slug>/", views.facility_detail, name="facility-detail"),
    path("statistics/", views.statistics, name="statistics"),
    path("write/", views.write_letters, name="write-letters"),
    path("waves/<uuid:public_id>/", views.wave_detail, name="wave-detail"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar.ics", calendar.calendar_ics, name="calendar-ics"),
    path("changes.atom", ChangesFeed(), name="feed"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("data/registry.json", downloads.registry_json, name="download-json"),
    path("data/registry.csv", downloads.registry_csv, name="download-csv"),
    path("data/people.csv", views.person_list_csv, name="person-list-csv"),
    # Choosing a language is the only thing a reader can post. It carries no CSRF token so
    # that public pages hold no per-visitor secret (the 404 page must be the same bytes for
    # every reader); forging it could at worst switch someone's interface language.
    path("language/", csrf_exempt(set_language), name="set-language"),
]
