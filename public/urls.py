from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from public import calendar, downloads, languages, sitemaps, views
from public.feeds import ChangesFeed

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
    path("sitemap.xml", sitemaps.language_sitemap, name="sitemap"),
    path("data/registry.json", downloads.registry_json, name="download-json"),
    path("data/registry.csv", downloads.registry_csv, name="download-csv"),
    path("data/people.csv", views.person_list_csv, name="person-list-csv"),
    # The language switcher of earlier versions posted here; its links still work. It carries
    # no CSRF token so that public pages hold no per-visitor secret; forging it can at worst
    # send a reader to a page in another language.
    path("language/", csrf_exempt(languages.choose_language), name="set-language"),
]
