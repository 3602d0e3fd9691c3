"""The Atom feed of changes: new detentions, reclassifications, verdicts and releases."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from public import presenters
from public.views import latest_changes

FEED_SIZE = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Registry of political prisoners: latest changes")
    subtitle = _("New detentions, reclassifications of charges, verdicts and releases.")

    def link(self):
        return reverse("public:home")

    def items(self):
        language = (get_language() or "en").split("-")[0]
        return [presenters.change_entry(event, language) for event in latest_changes(FEED_SIZE)]

    def item_title(self, item):
        return f"{item.person_name}: {item.label}"

    def item_description(self, item):
        detail = f" — {item.text}" if item.text else ""
        return f"{presenters.format_date(item.date)}: {item.label}{detail}"

    def item_link(self, item):
        return reverse("public:person-detail", args=[item.person_slug])

    def item_guid(self, item):
        return f"urn:uuid:{item.guid}"

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    item_pubdate = item_updateddate
