"""The house rules of docs/architecture.md, checked on every run: the import contracts, no import
circles, a stated purpose for every room of `cases`, and the public contracts (API schema, URL
patterns) unchanged unless a reviewed snapshot says otherwise."""

import ast
import io
from pathlib import Path

import grimp
import pytest
from django.urls import get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
OWN_PACKAGES = ("cases", "api", "public", "registry")


def _import_circles(graph) -> list[list[str]]:
    """Groups of modules that reach each other through imports (Tarjan's strongly connected
    components), function-level imports included."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in graph.modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return circles


def test_import_contracts_of_the_architecture_are_kept(capsys):
    exit_code = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert exit_code == 0, report
    assert "0 broken" in report


def test_no_module_of_the_registry_imports_itself_through_a_circle():
    graph = grimp.build_graph(*OWN_PACKAGES)

    assert _import_circles(graph) == []


def test_the_circle_finder_finds_a_circle_hidden_in_a_function():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")  # as a function-level import would
    graph.add_import(importer="pkg.c", imported="pkg.a")

    assert _import_circles(graph) == [["pkg.a", "pkg.b"]]


@pytest.mark.parametrize(
    "package",
    sorted(
        str(path.parent.relative_to(ROOT)).replace("/", ".")
        for path in (ROOT / "cases").glob("*/__init__.py")
        if path.parent.name not in ("migrations", "management")
    ),
)
def test_every_room_of_cases_says_what_it_owns_and_what_it_may_import(package):
    source = (ROOT / package.replace(".", "/") / "__init__.py").read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source)) or ""

    assert docstring, f"{package} has no docstring"
    assert "may import" in docstring.lower(), f"{package} does not say what it may import"


def test_openapi_schema_matches_the_reviewed_snapshot():
    """A change of the API's contract is deliberate: regenerate the snapshot with
    `manage.py spectacular --file tests/api/openapi.yaml` and review the diff."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    rendered = OpenApiYamlRenderer().render(schema, renderer_context={}).decode()

    assert rendered == (ROOT / "tests/api/openapi.yaml").read_text(encoding="utf-8")


def _url_patterns(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield f"{prefix}{pattern.pattern}\t{pattern.name}"


def test_url_patterns_of_every_page_match_the_reviewed_snapshot():
    """Admin, public and API routes, in resolution order. A new route is deliberate: add it to
    tests/registry/url_patterns.txt in the same change."""
    out = io.StringIO()
    for line in _url_patterns(get_resolver().url_patterns):
        print(line, file=out)

    assert out.getvalue() == (ROOT / "tests/registry/url_patterns.txt").read_text(encoding="utf-8")
