"""The files of the whole published registry are built by a task and served as they are (issue 21).

cases.transfer.published_files: a request never builds; a reader gets the file with an ETag and a
Last-Modified (a 304 when unchanged), compressed when they accept gzip; nothing withdrawn is
served; a build runs only when due.
"""

import datetime
import gzip
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import ChangeRecord, PublishedFile
from cases.models.records import ChangeRecordFacts, takes_away
from cases.tasks import task_refresh_public_downloads
from cases.transfer import published_files
from public.downloads import RETRY_AFTER
from tests.api.conftest import make_published_case

JSON = reverse("public:download-json")
CSV = reverse("public:download-csv")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _slugs(response) -> list[str]:
    return [person["id"] for person in json.loads(_body(response))["people"]]


def _stored() -> list[str]:
    storage = published_files.storage()
    return sorted(storage.listdir("")[1]) if storage.exists("") else []


def _age(format: str, seconds: int) -> None:
    PublishedFile.objects.filter(format=format).update(
        built_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_a_request_never_builds_a_download_and_is_asked_to_come_back(client, law):
    make_published_case()

    response = client.get(JSON)

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert "being prepared" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not PublishedFile.objects.exists()
    assert _stored() == []


def test_the_503_is_in_the_readers_language(client, law):
    response = client.get("/be" + CSV)

    assert response.status_code == 503
    assert "Файл усяго рэестра рыхтуецца" in response.content.decode()


def test_the_task_builds_both_files_and_a_reader_gets_them_with_an_etag_and_last_modified(client, law):
    case = make_published_case()

    built = task_refresh_public_downloads.apply().get()

    assert built == {"json": "missing", "csv": "missing"}
    response = client.get(JSON)
    assert response.status_code == 200
    assert _slugs(response) == [case.person.slug]
    assert response["ETag"] == f'"{PublishedFile.objects.get(format="json").etag}"'
    assert response["Last-Modified"]
    assert int(response["Content-Length"]) == PublishedFile.objects.get(format="json").size
    assert "Accept-Encoding" in response["Vary"]
    assert case.person.slug in _body(client.get(CSV)).decode()


def test_a_reader_who_has_the_file_gets_a_304(client, law):
    make_published_case()
    published_files.build("json")
    first = client.get(JSON)

    by_etag = client.get(JSON, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(JSON, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"]


def test_a_reader_who_accepts_gzip_gets_the_compressed_file_as_stored(client, law):
    make_published_case()
    file = published_files.build("json")
    plain = _body(client.get(JSON))

    response = client.get(JSON, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == file.compressed_size
    assert gzip.decompress(_body(response)) == plain


def test_a_rebuild_of_the_same_data_keeps_the_file_its_etag_and_last_modified(law):
    make_published_case()
    first = published_files.build("json")
    _age("json", 3600)

    again = published_files.build("json")

    assert (again.name, again.etag, again.changed_at) == (first.name, first.etag, first.changed_at)
    assert again.built_at > first.built_at
    assert _stored() == [first.name]


def test_a_rebuild_after_a_change_replaces_the_file_and_moves_last_modified(law):
    case = make_published_case()
    first = published_files.build("json")
    services.update_person(person=case.person, occupation="Synthetic new occupation")

    again = published_files.build("json")

    assert again.etag != first.etag and again.changed_at > first.changed_at
    assert _stored() == [again.name]
    assert again.change_cursor > first.change_cursor


def test_a_withdrawn_person_is_never_served_from_an_older_file(
    client, law, django_capture_on_commit_callbacks
):
    kept, withdrawn = make_published_case(), make_published_case(name_suffix="gone")
    published_files.build("json")
    assert withdrawn.person.slug in _slugs(client.get(JSON))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.withdraw_person(person=withdrawn.person)
    assert client.get(JSON).status_code == 503  # the old file holds the person: not served

    for callback in callbacks:  # the commit asks for a rebuild at once (in-process here)
        callback()
    response = client.get(JSON)
    assert response.status_code == 200
    assert _slugs(response) == [kept.person.slug]


def test_due_waits_for_the_minimum_age_after_a_change_but_not_after_a_withdrawal(law, settings):
    settings.DOWNLOADS_MIN_AGE, settings.DOWNLOADS_MAX_AGE = 300, 86400
    case, other = make_published_case(), make_published_case(name_suffix="other")
    file = published_files.build("json")
    assert published_files.due(file) is None

    services.update_person(person=case.person, occupation="Synthetic edit")
    assert published_files.due(file) is None  # changed, but the file is a minute old
    _age("json", 301)
    assert published_files.due(PublishedFile.objects.get(format="json")) == "changed"

    file = published_files.build("json")
    services.withdraw_person(person=other.person)
    assert published_files.due(file) == "taken away"


def test_due_rebuilds_an_old_file_even_when_the_feed_did_not_move(law, settings):
    settings.DOWNLOADS_MAX_AGE = 3600
    make_published_case()
    published_files.build("csv")
    _age("csv", 3601)

    assert published_files.due(PublishedFile.objects.get(format="csv")) == "old"


def test_edits_of_a_draft_do_not_make_a_download_due(law, settings):
    settings.DOWNLOADS_MIN_AGE = 0
    make_published_case()
    draft = make_published_case(name_suffix="draft", publish=False)
    file = published_files.build("json")

    services.update_person(person=draft.person, occupation="Synthetic draft edit")

    assert published_files.due(file) is None


def test_a_second_worker_does_not_build_while_the_first_holds_the_lock(law):
    make_published_case()
    cache.add("downloads:building:json", 1, timeout=60)
    try:
        assert published_files.build("json") is None
        assert not PublishedFile.objects.exists()
    finally:
        cache.delete("downloads:building:json")


def test_a_file_missing_from_the_storage_is_not_served_and_is_due(client, law):
    make_published_case()
    file = published_files.build("json")
    published_files.storage().delete(file.name)

    assert client.get(JSON).status_code == 503
    assert published_files.due(file) == "missing"


@pytest.mark.parametrize(
    "entry",
    [
        {"action": "removed", "object_type": "person", "is_public": True, "person_was_published": False},
        {"action": "withdrawn", "object_type": "charge", "is_public": True, "person_was_published": True},
        {"action": "corrected", "object_type": "charge", "is_public": True, "person_was_published": True},
        {"action": "updated", "object_type": "event", "is_public": False, "person_was_published": True},
        {"action": "withdrawn", "object_type": "contact", "is_public": False, "person_was_published": True},
        {"action": "updated", "object_type": "event", "is_public": False, "person_was_published": False},
        {"action": "updated", "object_type": "person", "is_public": True, "person_was_published": True},
        {"action": "level_changed", "object_type": "case", "is_public": True, "person_was_published": True},
    ],
)
def test_what_takes_something_away_is_the_same_rule_in_python_and_in_the_query(law, entry):
    case = make_published_case()
    before = ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first()
    record = ChangeRecord.objects.create(person=case.person, object_id="x", **entry)

    assert takes_away(record) == ChangeRecordFacts.took_away_since(before)


def test_beat_asks_for_the_downloads_every_check_period(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-public-downloads"]

    assert entry["task"] == "cases.tasks.task_refresh_public_downloads"
    assert entry["schedule"] == float(settings.DOWNLOADS_CHECK_SECONDS)
