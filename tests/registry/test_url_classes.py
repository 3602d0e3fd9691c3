"""Every route is declared public, staff or API; an undeclared one fails `manage.py check`."""

import pytest
from django.core import checks
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from registry import url_classes
from registry.checks import iter_routes
from registry.urls import urlpatterns as real_urlpatterns


def forgotten_view(request):
    return HttpResponse("internal")


# URLconfs for the tests below: the real one plus one route nobody classified.
urlpatterns = [*real_urlpatterns, path("debug/dump/", forgotten_view, name="debug-dump")]


class WithCsrfExemptStaffRoute:
    urlpatterns = [path("admin/bulk-delete/", csrf_exempt(forgotten_view)), *real_urlpatterns]


def _url_errors():
    return [e for e in checks.run_checks(tags=[checks.Tags.urls]) if e.id.startswith("registry.")]


def test_every_route_of_the_real_urlconf_is_classified():
    assert _url_errors() == []


def test_the_real_urlconf_has_routes_of_all_three_classes():
    from django.urls import get_resolver

    classes = {url_classes.classify(r, n) for r, n, _ in iter_routes(get_resolver().url_patterns)}
    assert classes == {url_classes.PUBLIC, url_classes.STAFF, url_classes.API}


@override_settings(ROOT_URLCONF=__name__)
def test_an_unclassified_route_fails_the_check():
    errors = _url_errors()

    assert [e.id for e in errors] == ["registry.E001"]
    assert "/debug/dump/" in errors[0].msg and "debug-dump" in errors[0].msg


@override_settings(ROOT_URLCONF=__name__)
def test_the_unclassified_route_fails_manage_py_check():
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="registry.E001"):
        call_command("check")


@override_settings(ROOT_URLCONF=WithCsrfExemptStaffRoute)
def test_a_staff_route_exempt_from_csrf_fails_the_check():
    errors = _url_errors()

    assert [e.id for e in errors] == ["registry.E002"]
    assert "/admin/bulk-delete/" in errors[0].msg


@pytest.mark.parametrize(
    ("route", "name", "expected"),
    [
        ("", "public:home", url_classes.PUBLIC),
        ("people/<slug:slug>/", "public:person-detail", url_classes.PUBLIC),
        ("data/registry.json", None, url_classes.PUBLIC),
        ("admin/", "admin:index", url_classes.STAFF),
        ("admin/account/login/", "two_factor:login", url_classes.STAFF),
        ("admin/password_reset/", "admin_password_reset", url_classes.STAFF),
        ("api/v1/people/", "api:person-list", url_classes.API),
        ("api/docs/", "api-docs", url_classes.API),
        ("people/<slug:slug>/edit/", "public:person-edit", None),
        ("debug/", None, None),
    ],
)
def test_classify_names_the_class_of_a_route(route, name, expected):
    assert url_classes.classify(route, name) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", url_classes.PUBLIC),
        ("/people/x/", url_classes.PUBLIC),
        ("/no-such-page/", url_classes.PUBLIC),
        ("/admin/cases/person/", url_classes.STAFF),
        ("/api/v1/people/", url_classes.API),
        ("/administrator/", url_classes.PUBLIC),
    ],
)
def test_classify_path_gives_every_request_path_a_class_for_its_headers(path, expected):
    assert url_classes.classify_path(path) == expected
