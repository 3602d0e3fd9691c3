"""The crawler: every public route from the URL resolver, every API operation from the OpenAPI
schema, each filled with the ids of planted objects (visible and hidden) and every documented
filter value, and every response read for canaries.

Routes and parameters are discovered, not listed: a new route or filter is crawled by
construction, and one whose parameters the crawler cannot fill fails loudly, saying so.
"""

import base64
import json
import secrets
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from drf_spectacular.generators import SchemaGenerator

from api.serializers import article_id
from cases import choices
from cases.filtersets import PersonFilterSet
from cases.models import (
    Article,
    Case,
    CaseEvent,
    Charge,
    ExternalIdentifier,
    Facility,
    Person,
    PublishedFile,
    ReleaseWave,
    RiskAssessment,
    Submission,
)
from cases.transfer import published_files
from public.languages import path_in_language
from public.presenters import article_ref
from registry import url_classes
from tests.security.audiences import is_public_person, owner, visible_to
from tests.security.canaries import (
    OWN_SUBMISSIONS,
    RESTRICTED,
    Canary,
    CanaryRegistry,
    Leak,
    header_readings,
    readings,
)
from tests.security.planting import HIDDEN_SURNAMES, PUBLISHED_SURNAME, PlantedRegistry

LANGUAGES = [code for code, _ in settings.LANGUAGES]
# Paths no route answers: the error pages, and files crawlers ask every site for.
UNROUTED_PATHS = ["/robots.txt", "/no-such-page/", "/people/no-such-person/extra/", "/api/v1/no-such-thing/"]
MISSING_SLUG = "no-such-person-0a0a0a"
FEED_WALK_LIMIT = "7"
PAGES_PER_WALK = 4
# An export runs its list's FilterSet, whose every value the list's crawl tries; the export repeats
# only the parameters that could reach beyond the caller's records: the staff-only filter, the
# name search (for hidden people's names), a case by id (hidden cases too) and the orderings.
EXPORT_PARAMETERS = {"publication_state", "q", "case", "ordering"}


@dataclass
class Caller:
    label: str
    grants: frozenset = frozenset()
    api_key: str | None = None
    reads: bool = True

    @property
    def sees_internal(self) -> bool:
        return RESTRICTED in self.grants

    @property
    def reads_own_submissions(self) -> bool:
        return OWN_SUBMISSIONS in self.grants

    def client(self) -> Client:
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {self.api_key}"} if self.api_key else {}
        # A server error is an answer to read too (and a failure of its own), not a crash of the crawl.
        return Client(raise_request_exception=False, **headers)


@dataclass
class Crawl:
    """One caller's crawl: what was asked, what leaked, and which allowed canaries arrived."""

    registry: PlantedRegistry
    caller: Caller
    requests: int = 0
    surfaces: set = field(default_factory=set)
    leaks: list = field(default_factory=list)
    received: set = field(default_factory=set)
    problems: list = field(default_factory=list)

    def __post_init__(self):
        self.client = self.caller.client()
        self.search_probe = f"SEARCH-{secrets.token_hex(5)}<script>x</script>"

    @property
    def canaries(self) -> CanaryRegistry:
        return self.registry.canaries

    def fetch(self, url: str, surface: str, *, method: str = "get", data=None, **headers):
        response = getattr(self.client, method)(url, data, **headers)
        self.requests += 1
        self.surfaces.add(surface)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        response.body = body
        if response.status_code >= 500:
            self.problems.append(f"{surface}: {url} answers {response.status_code}")
        self._read(readings(body, response.get("Content-Type", "")), url, "body")
        self._read(header_readings(response), url, "headers")
        is_html = "html" in response.get("Content-Type", "")
        if is_html and self.search_probe.lower() in body.decode("utf-8", "replace").lower():
            probe = Canary(self.search_probe, "the caller's own search text, echoed unescaped into HTML")
            self.leaks.append(Leak(probe, f"{self.caller.label} GET {url}"))
        return response

    def _read(self, text: str, url: str, where: str):
        for canary in self.canaries.found_in(text):
            if canary.allowed_for(self.caller.grants):
                self.received.add(canary)
            else:
                self.leaks.append(Leak(canary, f"{self.caller.label} GET {url}", where))

    def same_as_missing(self, response, missing, url: str, what: str):
        """A hidden object must answer exactly like one that does not exist."""
        if (response.status_code, response.body) != (missing.status_code, missing.body):
            existence = Canary(what, f"existence of {what}")
            self.leaks.append(
                Leak(existence, f"{self.caller.label} GET {url}", f"{response.status_code}, not as missing")
            )


# Discovering routes ----------------------------------------------------------------------------


def routes(url_class: str):
    """(joined route, namespaced name, pattern) of every route of one class, from the resolver."""

    def walk(patterns, prefix="", namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                yield prefix + str(entry.pattern), name, entry

    for route, name, pattern in walk(get_resolver().url_patterns):
        if url_classes.classify(route, name) == url_class:
            yield route, name, pattern


def parameter_names(pattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    if isinstance(pattern.pattern, RegexPattern):
        return list(pattern.pattern.regex.groupindex)
    return []


# Values for parameters ---------------------------------------------------------------------------


def public_route_values(registry: PlantedRegistry) -> dict:
    """Values for each public route's parameters: every planted object, visible or hidden, and
    one that does not exist (first)."""
    articles = _charged_articles()
    return {
        "public:person-detail": [MISSING_SLUG, *sorted(Person.objects.values_list("slug", flat=True))],
        "public:article-detail": [
            "by-9999.9",
            "nonsense",
            *(article_ref(a, a.jurisdiction.code) for a in articles),
        ],
        "public:facility-detail": ["no-such-facility", *(f.slug for f in Facility.objects.order_by("slug"))],
        "public:wave-detail": [
            str(uuid.UUID(int=1)),
            *(str(w.public_id) for w in ReleaseWave.objects.order_by("pk")),
        ],
    }


def _charged_articles():
    ids = set(Charge.objects.values_list("article_id", flat=True))
    return list(Article.objects.filter(pk__in=ids).select_related("jurisdiction").order_by("pk"))


def _cursor(keys_and_values) -> str:
    """A keyset cursor as api.pagination writes one."""
    return base64.urlsafe_b64encode(json.dumps(keys_and_values).encode()).decode().rstrip("=")


def query_values(name: str, registry: PlantedRegistry, probe: str) -> list[str]:
    """Values for a query parameter the schema or a FilterSet documents without an enum."""
    people = registry.people.values()
    pool = {
        "q": [probe, PUBLISHED_SURNAME, "Submittedov", *HIDDEN_SURNAMES.values()],
        "region": sorted({p.region.code for p in people if p.region} | {"nowhere"}),
        "article": ["289", "289.3", "289.1", "218", "218.2", "342"],
        "jurisdiction": ["BY", "RU", "by"],
        "detained_after": ["2022-03-01", "2030-01-01"],
        "detained_before": ["2000-01-01", "2022-03-01"],
        "on_or_after": ["2000-01-01", "2099-01-01"],
        "on_or_before": ["2000-01-01", "2099-01-01"],
        "updated_since": ["2000-01-01T00:00:00Z", "2099-01-01T00:00:00+23:59"],
        "case": [str(uuid.uuid4()), *(str(c.public_id) for c in Case.objects.order_by("pk"))],
        "page": ["1", "2", "999"],
        "page_size": ["1", "200"],
        "since": ["0", "1"],
        # A keyset walk from the start, one from before every row of the people list's order (a
        # made-up cursor must not reach rows the caller may not see), and one that is not a cursor.
        "cursor": ["", _cursor([["updated_at", "id"], ["2099-01-01T00:00:00+00:00", 2**62]]), "not-a-cursor"],
        "limit": ["1", "500"],
        # Every planted person's page on the list (hidden people's too: a key must not find them
        # by it; these hold no canary, the list row ids do), one nobody carries, one without a colon.
        "external_id": [
            *(str(e) for e in ExternalIdentifier.objects.filter(scheme="url").order_by("pk")),
            "prisoners-list:0",
            "no-colon",
        ],
    }
    if name not in pool:
        raise AssertionError(
            f"the query parameter {name!r} has no values in the attack suite: add some to "
            "tests/security/crawl.py (query_values), so that it is crawled"
        )
    return pool[name]


def filterset_values(filterset_class, registry, probe) -> dict[str, list[str]]:
    """Every filter of a FilterSet with its values: choices and orderings from the filter itself."""
    values = {}
    for name, declared in filterset_class.base_filters.items():
        if hasattr(declared, "param_map"):  # OrderingFilter
            values[name] = [v for param in declared.param_map for v in (param, f"-{param}")]
        elif "choices" in declared.extra:
            values[name] = [str(value) for value, _ in declared.extra["choices"]]
        else:
            values[name] = query_values(name, registry, probe)
    return values


# Records by id --------------------------------------------------------------------------------------


def visible(obj, caller: Caller) -> bool:
    return visible_to(
        obj,
        reads=caller.reads,
        sees_internal=caller.sees_internal,
        own_submissions=caller.reads_own_submissions,
    )


def describe(obj) -> str:
    person = owner(obj)
    state = "" if person is None else f" of a {person.publication_state} person"
    state += " (merged)" if person is not None and person.merged_into_id else ""
    return f"{type(obj).__name__} {_lookup_value(obj, _default_lookup(obj))}{state}"


def _default_lookup(obj) -> str:
    return {Person: "slug", Facility: "slug", Article: "article_id"}.get(type(obj), "public_id")


def _lookup_value(obj, lookup: str) -> str:
    if lookup == "article_id":
        return article_id(obj)
    return str(getattr(obj, lookup))


def _missing_value(model, lookup) -> str:
    if lookup == "article_id":
        return "BY-9999.9"
    if lookup == "public_id":
        return str(uuid.uuid4())
    return MISSING_SLUG


def detail_objects(model, per_kind: int = 2):
    """Objects of a model to ask for by id: a few of each kind (visible or hidden, and why)."""
    kinds = {}
    for obj in _all_objects(model):
        kinds.setdefault(_kind(obj), []).append(obj)
    return [obj for objects in kinds.values() for obj in objects[:per_kind]]


def _kind(obj):
    if isinstance(obj, Submission):
        return (obj.organisation_id, obj.state)
    person = owner(obj)
    if person is None:
        return ()
    return (person.publication_state, bool(person.merged_into_id), getattr(obj, "is_public", None))


def _all_objects(model):
    related = {
        Case: ["person"],
        Charge: ["case__person"],
        CaseEvent: ["case__person"],
        RiskAssessment: ["case__person"],
        Article: ["jurisdiction"],
        Submission: ["organisation"],
    }.get(model, [])
    if model is Article:
        return _charged_articles()
    return list(model._base_manager.select_related(*related).order_by("pk"))


# The crawls ----------------------------------------------------------------------------------------


def crawl_public(crawl: Crawl) -> None:
    """Every public route in every language, as an anonymous reader."""
    values = public_route_values(crawl.registry)
    list_filters = filterset_values(PersonFilterSet, crawl.registry, crawl.search_probe)
    # The whole-registry downloads are files a task builds (a request never does): build them
    # from the planted registry, so the crawl reads them rather than their 503.
    published_files.build(PublishedFile.JSON)
    published_files.build(PublishedFile.CSV)
    for language in LANGUAGES:
        # The language of a public page is in its address (/be/, /ru/); the browser's header
        # still decides the few routes outside the public pages (the data downloads, 404s).
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        for route, name, pattern in routes(url_classes.PUBLIC):
            surface = f"public [{language}] {route}"
            parameters = parameter_names(pattern)
            if not parameters:
                url = _in_language("/" + route, name, language)
                crawl.fetch(url, surface, **headers)
                if name == "public:person-list":
                    _crawl_list_page(crawl, url, surface, list_filters, headers)
                if name == "public:set-language":
                    crawl.fetch(
                        url, surface, method="post", data={"language": language, "next": "/"}, **headers
                    )
                continue
            if name not in values or len(parameters) != 1:
                raise AssertionError(
                    f"the public route {route!r} ({name}) has parameters the attack suite cannot fill: "
                    "add its values to tests/security/crawl.py (public_route_values)"
                )
            prefix = _in_language("/" + route.split("<", 1)[0], name, language)
            _crawl_public_detail(crawl, prefix, route, values[name], surface, headers)
        for path in UNROUTED_PATHS:
            crawl.fetch(path, f"public [{language}] (no route) {path}", **headers)


def _crawl_list_page(crawl, url, surface, filters, headers):
    for name, options in [*filters.items(), ("page", ["2", "999"])]:
        for value in options:
            crawl.fetch(f"{url}?{urlencode({name: value})}", surface, **headers)


def _in_language(path: str, name: str | None, language: str) -> str:
    """A public page's path in a language (public/languages.py); other routes have no prefix."""
    if name and name.startswith("public:"):
        return path_in_language(path, language)
    return path


def _crawl_public_detail(crawl, prefix, route, values, surface, headers):
    missing = crawl.fetch(f"{prefix}{values[0]}/", surface, **headers)
    people = {p.slug: p for p in Person.objects.all()}
    for value in values[1:]:
        url = f"{prefix}{value}/"
        response = crawl.fetch(url, surface, **headers)
        person = people.get(value) if "people/" in route else None
        if person is None or is_public_person(person):
            if person is not None and response.status_code != 200:
                crawl.problems.append(f"{url}: a published person answers {response.status_code}")
            continue
        if _redirects_to_published_kept(person) and response.status_code == 301:
            continue  # docs/identity.md: a merged, once-published record redirects to the kept one
        crawl.same_as_missing(response, missing, url, f"{describe(person)} on the public pages")


def _redirects_to_published_kept(person) -> bool:
    kept = person
    while kept.merged_into_id:
        kept = Person.objects.get(pk=kept.merged_into_id)
    return bool(person.published_at and kept.publication_state == choices.PublicationState.PUBLISHED)


def api_schema():
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    views = {path: callback for path, _regex, _method, callback in generator.endpoints}
    return schema, views


def crawl_api(crawl: Crawl) -> None:
    """Every GET operation of the OpenAPI schema with every documented parameter value, every
    list walked to its end and past it, the change feed from its beginning; then every API route
    of the resolver that the schema does not describe (format suffixes, the API root, the docs)."""
    schema, views = api_schema()
    missing_views = [path for path, item in schema["paths"].items() if "get" in item and path not in views]
    assert not missing_views, f"schema paths without a view: {missing_views}"
    crawled_routes = set()
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        sibling_list = schema["paths"].get(path.split("export.", 1)[0], {}).get("get", {})
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if "export." in path:  # exports take the list's filters (docs/api.md), undocumented in the schema
            query += [
                p
                for p in sibling_list.get("parameters", [])
                if p["in"] == "query" and p["name"] in EXPORT_PARAMETERS
            ]
        for url, hidden, obj in _expand_path(crawl, path, operation, views[path]):
            surface = f"{crawl.caller.label} GET {path}"
            crawled_routes.add(resolve(urlsplit(url).path).route)
            response = crawl.fetch(url, surface)
            if hidden is not None:
                _check_visibility(crawl, url, response, hidden, obj)
                continue
            if response.status_code in (401, 403):
                continue  # refused before any parameter is read (DRF checks permissions first)
            if not url.endswith(".csv/"):  # the JSON export runs the same query
                _crawl_query(crawl, url, surface, query)
            if path.endswith("/changes/"):
                _walk_feed(crawl, url, surface)
            elif "export." not in path and any(p["name"] == "page" for p in query):
                _walk_pages(crawl, url, surface, response.json().get("count", 0))
    for route, name, pattern in routes(url_classes.API):
        if route in crawled_routes:
            continue
        crawl.fetch(_fill_resolver_route(route, name, pattern), f"{crawl.caller.label} GET /{route}")


def _expand_path(crawl, path, operation, callback):
    """(url, hidden response to compare with or None, object) for each value of the path's
    parameters: the enum values, or every planted object of the view's model and a missing one."""
    parameters = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    if not parameters:
        yield path, None, None
        return
    (enum_parameters, lookups) = ([], [])
    for parameter in parameters:
        (enum_parameters if parameter["schema"].get("enum") else lookups).append(parameter)
    urls = [path]
    for parameter in enum_parameters:
        placeholder = "{" + parameter["name"] + "}"
        urls = [u.replace(placeholder, v) for u in urls for v in parameter["schema"]["enum"]]
    if not lookups:
        for url in urls:
            yield url, None, None
        return
    if len(lookups) != 1:
        raise AssertionError(f"{path}: more than one lookup in a path; teach tests/security/crawl.py")
    name = lookups[0]["name"]
    placeholder = "{" + name + "}"
    model = callback.cls.serializer_class.Meta.model
    for url in urls:
        missing = crawl.fetch(
            url.replace(placeholder, _missing_value(model, name)), f"{crawl.caller.label} GET {path}"
        )
        for obj in detail_objects(model):
            yield url.replace(placeholder, _lookup_value(obj, name)), missing, obj


def _check_visibility(crawl, url, response, missing, obj):
    if visible(obj, crawl.caller):
        if response.status_code != 200:
            crawl.problems.append(
                f"{crawl.caller.label} GET {url}: a visible record answers {response.status_code}"
            )
        return
    crawl.same_as_missing(response, missing, url, describe(obj))


def _crawl_query(crawl, url, surface, parameters):
    for parameter in parameters:
        schema = parameter["schema"]
        options = schema.get("enum") or schema.get("items", {}).get("enum")
        options = options or query_values(parameter["name"], crawl.registry, crawl.search_probe)
        for value in options:
            crawl.fetch(f"{url}?{urlencode({parameter['name']: value})}", surface)


def _walk_pages(crawl, url, surface, count):
    """Every page of the list, in a few pages whatever its length, following the `next` links."""
    next_url = f"{url}?page_size={max(1, -(-count // PAGES_PER_WALK))}"
    for _page in range(200):
        response = crawl.fetch(next_url, surface)
        if response.status_code != 200:
            crawl.problems.append(f"{surface}: walking the pages, {next_url} answers {response.status_code}")
            return
        link = response.json().get("next")
        if not link:
            return
        parts = urlsplit(link)
        next_url = f"{parts.path}?{parts.query}"
    crawl.problems.append(f"{url}: more than 200 pages")


def _walk_feed(crawl, url, surface):
    """The change feed from its beginning, page by page, with the cursor each page gives."""
    query = {"limit": FEED_WALK_LIMIT}
    for _page in range(500):
        response = crawl.fetch(f"{url}?{urlencode(query)}", surface)
        if response.status_code != 200:
            crawl.problems.append(f"{surface}: walking the feed, {query} answers {response.status_code}")
            return
        page = response.json()
        if not page["has_more"]:
            return
        query["since"] = str(page["next_cursor"])
    crawl.problems.append(f"{url}: the change feed did not end")


def _fill_resolver_route(route, name, pattern):
    """A URL for an API route the schema leaves out: a format suffix is `json`, a lookup takes one
    visible object (the schema's crawl already tried every object on the plain route)."""
    view = getattr(pattern.callback, "cls", None)
    model = getattr(getattr(getattr(view, "serializer_class", None), "Meta", None), "model", None)
    kwargs = {}
    for parameter in parameter_names(pattern):
        if parameter in ("format", "filetype"):
            kwargs[parameter] = "json"
        elif parameter == "pk":  # the webhooks' detail route, which only deletes
            kwargs[parameter] = "1"
        elif model is not None and parameter == getattr(view, "lookup_field", None):
            objects = [o for o in detail_objects(model) if visible(o, Caller("anonymous"))]
            kwargs[parameter] = (
                _lookup_value(objects[0], parameter) if objects else _missing_value(model, parameter)
            )
        else:
            raise AssertionError(
                f"the API route {route!r} has a parameter {parameter!r} the attack suite cannot fill: "
                "teach tests/security/crawl.py (_fill_resolver_route)"
            )
    return reverse(name, kwargs=kwargs)
