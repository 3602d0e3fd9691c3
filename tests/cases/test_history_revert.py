"""The admin's history pages show old versions; posting one back ("Revert") is an edit like any
other and needs the permission to change the record. django-simple-history's form view checks only
that the user may see the history, so a Viewer could roll an article's capital flag back."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from cases import services
from cases.admin.history import HistoryAdmin
from cases.protection.permissions import VIEWER
from tests.factories import UserFactory, article

pytestmark = pytest.mark.django_db


def _article_with_an_older_version():
    item = article("342.1")
    original_title = item.title_en
    item.title_en = "Edited title (synthetic)"
    services.save_law_data(instance=item, by=UserFactory(is_superuser=True))
    oldest = item.history.order_by("history_id").first()
    return item, original_title, oldest


def _revert_url(item, version):
    return reverse("admin:cases_article_simple_history", args=[item.pk, version.history_id])


def _form_data(client, url) -> dict:
    from tests.cases.test_webhook_admin import form_fields

    return form_fields(client.get(url).content.decode())


def test_a_viewer_cannot_revert_an_article_from_its_history(client, law):
    item, original_title, oldest = _article_with_an_older_version()
    client.force_login(UserFactory(groups=[VIEWER]))
    url = _revert_url(item, oldest)
    data = {"title_en": original_title, "capital": "", "verified": ""}

    response = client.post(url, data)

    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title_en == "Edited title (synthetic)"


def test_a_viewer_sees_an_old_version_without_a_revert_button(client, law):
    item, original_title, oldest = _article_with_an_older_version()
    client.force_login(UserFactory(groups=[VIEWER]))
    response = client.get(_revert_url(item, oldest))
    assert response.status_code == 200
    assert original_title in response.content.decode()
    assert 'name="_save"' not in response.content.decode()


def test_a_superuser_may_still_revert_an_article_through_the_services(admin_client, law):
    item, original_title, oldest = _article_with_an_older_version()
    url = _revert_url(item, oldest)
    # form_fields reads inputs only: the Belarusian title's source is a select, posted as shown.
    data = _form_data(admin_client, url) | {
        "title_en": original_title,
        "title_be_source": oldest.title_be_source,
    }
    for flag in ("capital", "verified"):  # checkboxes as the old version had them
        if getattr(item.history.order_by("history_id").first(), flag):
            data[flag] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.title_en == original_title
    assert item.history.first().history_user.is_superuser


def test_every_admin_with_history_refuses_a_revert_without_change_permission():
    loose = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin)
    ]
    assert loose == []
