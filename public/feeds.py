"""The Atom feed of changes: new detentions, reclassifications, verdicts and releases."""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from public import presenters
from public.views import latest_changes

FEED_SIZE = 50
# Characters XML 1.0 cannot carry: one of them in an event text would break the feed for everyone.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return NOT_XML.sub(" ", value)


class PlainTextAtom1Feed(Atom1Feed):
    """Atom whose summaries are plain text (`type="text"`), like its titles.

    Event text is typed by staff or comes from a partner's accepted submission: as Django's
    default `type="html"` a reader would render it, running an `onerror` or loading an image
    that collects every reader's address (issue #13).
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ChangesFeed(Feed):
    feed_type = PlainTextAtom1Feed
    title = _("Registry of political prisoners: latest changes")
    subtitle = _("New detentions, reclassifications of charges, verdicts and releases.")

    def link(self):
        return reverse("public:home")

    def items(self):
        language = (get_language() or "en").split("-")[0]
        return [presenters.change_entry(event, language) for event in latest_changes(FEED_SIZE)]

    def item_title(self, item):
        return _text(f"{item.person_name}: {item.label}")

    def item_description(self, item):
        detail = f" — {item.text}" + (f" {item.text_note}" if item.text_note else "") if item.text else ""
        return _text(f"{presenters.format_date(item.date)}: {item.label}{detail}")

    def item_link(self, item):
        return reverse("public:person-detail", args=[item.person_slug])

    def item_guid(self, item):
        return f"urn:uuid:{item.guid}"

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    item_pubdate = item_updateddate
