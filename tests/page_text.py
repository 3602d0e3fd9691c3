"""What a reader of a page reads, for the crawls that check a page says everything in its language
(tests/public/test_no_english_left.py, tests/cases/test_admin_in_language.py)."""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


class PageText(HTMLParser):
    """The text a reader of a page in `language` reads, and the page's links: not scripts, styles
    or code, not an element marked as written in another language or as not to be translated, and
    of the attributes only those read aloud. A subclass hides more by overriding `hides`."""

    SKIP = {"script", "style", "code", "pre"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
    READ_ALOUD = ("title", "aria-label", "alt", "placeholder")

    def __init__(self, language):
        super().__init__()
        self.language = language
        self.stack: list[tuple[str, bool, list[str]]] = []  # open elements: tag, hidden, classes
        self.texts: list[str] = []
        self.links: list[str] = []

    def hides(self, tag, attrs, classes) -> bool:
        """Whether the element's text is not the page's own words in its language."""
        return (
            tag in self.SKIP
            or attrs.get("lang") not in (None, self.language)
            or attrs.get("translate") == "no"
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if not self.hidden():
            self.texts += [attrs[name] for name in self.READ_ALOUD if attrs.get(name)]
            self.texts += self.attribute_texts(tag, attrs)
        if tag in self.VOID:
            return
        classes = (attrs.get("class") or "").split()
        self.opened(tag, attrs, classes)
        self.stack.append((tag, self.hides(tag, attrs, classes), classes))

    def attribute_texts(self, tag, attrs) -> list[str]:
        """More attribute values a reader reads, for a subclass (a button's label)."""
        return []

    def opened(self, tag, attrs, classes) -> None:
        """Told of every element opened, before `hides` is asked about it."""

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not self.hidden():
            self.texts.append(data.strip())

    def hidden(self) -> bool:
        return any(hidden for _, hidden, _ in self.stack)


def crawl(client, start: str, *, parser_for, follows, read, limit: int) -> int:
    """Read every HTML page reachable from `start` through links `follows(path, href)` accepts
    (paths without a host or a query), breadth first, asking at most `limit` pages: each is fed
    to a new `parser_for()` and given to `read(url, response, parser)`. Returns the pages asked."""
    queue, seen = [start], set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = parser_for()
        parser.feed(response.content.decode())
        read(url, response, parser)
        for href in parser.links:
            target = urlsplit(urljoin(url, href))
            if not target.netloc and not target.query and follows(target.path, href):
                queue.append(target.path)
    return len(seen)
