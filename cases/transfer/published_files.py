"""The whole published registry as files: built by a task when the data changed, served as they are.

Building the public export of 100,000 people takes minutes; building it for each anonymous
request let two or three readers hold both cores. So a task (`cases.tasks.task_refresh_public_downloads`,
run by beat every DOWNLOADS_CHECK_SECONDS) builds each format once per change of the public data,
compressed, into the `downloads` storage, and a reader gets the file as it is, with an ETag and a
Last-Modified. A request never builds.

Three rules:
- **A consistent snapshot.** On PostgreSQL the export is read in one REPEATABLE READ transaction,
  and the change feed's newest public entry is read in the same one: the file includes exactly
  the changes up to its `change_cursor`.
- **Nothing taken away is served.** When anything the public saw was taken away after the file
  was built (a person withdrawn, a mistake withdrawn; `ChangeRecordFacts.took_away_since`), the
  file is not served until it is rebuilt (the view answers 503 with Retry-After), and the
  rebuild does not wait for DOWNLOADS_MIN_AGE.
- **One build at a time, and only when needed.** A build runs when the feed moved past the file
  and the file is older than DOWNLOADS_MIN_AGE (a burst of edits gives one build, not one per
  edit), when something was taken away, or when the file is older than DOWNLOADS_MAX_AGE (for the
  changes the feed does not record: a facility renamed). A lock in the cache keeps a second
  worker from building the same file; a build that gives the same bytes keeps the file, its ETag
  and its Last-Modified.
"""

import contextlib
import datetime
import gzip
import hashlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from cases.models import ChangeRecordFacts, PublishedFile
from cases.transfer.exporting import PUBLIC, iter_registry_csv, iter_registry_json

log = logging.getLogger("registry.downloads")

STORAGE = "downloads"
LOCK_SECONDS = 6 * 60 * 60


@dataclass(frozen=True)
class Kind:
    pieces: object
    content_type: str


# The JSON's `exported_at` is the time of the newest change the file includes, not of the build:
# a rebuild of the same data gives the same bytes, and so the same ETag.
KINDS = {
    PublishedFile.JSON: Kind(lambda as_of: iter_registry_json(PUBLIC, now=as_of), "application/json"),
    PublishedFile.CSV: Kind(lambda as_of: iter_registry_csv(PUBLIC), "text/csv; charset=utf-8"),
}


def storage():
    return storages[STORAGE]


def content_type(file: PublishedFile) -> str:
    return KINDS[file.format].content_type


# Reading -------------------------------------------------------------------------------------------


def servable(format: str) -> PublishedFile | None:
    """The file a reader may be given now, or None: never built, missing from the storage, or older
    than something taken away from the public."""
    file = PublishedFile.objects.filter(format=format).first()
    if file is None or ChangeRecordFacts.took_away_since(file.change_cursor):
        return None
    if not storage().exists(file.name):
        log.error("downloads: %s is recorded but missing from the storage", file.name)
        return None
    return file


# Building ------------------------------------------------------------------------------------------


def due(file: PublishedFile | None, *, now: datetime.datetime | None = None) -> str | None:
    """Why the file must be built now (a word for the log), or None."""
    if file is None:
        return "missing"
    now = now or timezone.now()
    age = (now - file.built_at).total_seconds()
    if ChangeRecordFacts.took_away_since(file.change_cursor):
        return "taken away"
    if age >= settings.DOWNLOADS_MAX_AGE:
        return "old"
    if (
        age >= settings.DOWNLOADS_MIN_AGE
        and ChangeRecordFacts.newest_public_with_time()[0] > file.change_cursor
    ):
        return "changed"
    if not storage().exists(file.name):
        return "missing"
    return None


def refresh() -> dict[str, str]:
    """Build every format that is due (the task's work): {format: why} for each one built."""
    built = {}
    for format in KINDS:
        why = due(PublishedFile.objects.filter(format=format).first())
        if why is not None and build(format) is not None:
            built[format] = why
    return built


def build(format: str) -> PublishedFile | None:
    """Build one format now; None when another worker is building it."""
    lock = f"downloads:building:{format}"
    try:
        locked = cache.add(lock, os.getpid(), timeout=LOCK_SECONDS)
    except Exception:  # no cache: build anyway; a second build only writes the same file again
        locked = True
    if not locked:
        return None
    try:
        return _build(format)
    finally:
        try:
            cache.delete(lock)
        except Exception:  # the lock expires on its own
            log.warning("downloads: the build lock of %s could not be released", format)


def _build(format: str) -> PublishedFile:
    started = time.monotonic()
    built_at = timezone.now()
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(suffix=".gz", delete=False) as temporary:
        try:
            with _snapshot():
                cursor, as_of = ChangeRecordFacts.newest_public_with_time()
                # mtime=0: the same content gives the same bytes, whenever it was built.
                with gzip.GzipFile(fileobj=temporary, mode="wb", mtime=0) as compressed:
                    for piece in KINDS[format].pieces(as_of or built_at):
                        data = piece.encode()
                        digest.update(data)
                        compressed.write(data)
                        size += len(data)
            temporary.flush()
            etag = digest.hexdigest()
            return _keep(format, temporary.name, etag, size, cursor, built_at, time.monotonic() - started)
        finally:
            os.unlink(temporary.name)


@contextlib.contextmanager
def _snapshot():
    """One transaction for the whole read; REPEATABLE READ on PostgreSQL when it is the outermost."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _keep(format, path, etag, size, cursor, built_at, seconds) -> PublishedFile:
    name = f"registry-{etag[:24]}.{format}.gz"
    files = storage()
    if not files.exists(name):
        with open(path, "rb") as content:
            saved = files.save(name, File(content))
        if saved != name:  # a storage that renames rather than overwrites
            name = saved
    with transaction.atomic():
        previous = PublishedFile.objects.select_for_update().filter(format=format).first()
        same = previous is not None and previous.etag == etag
        values = {
            "name": name,
            "etag": etag,
            "size": size,
            "compressed_size": files.size(name),
            "change_cursor": cursor,
            "built_at": built_at,
            "changed_at": previous.changed_at if same else built_at,
            "build_seconds": round(seconds, 3),
        }
        file, _ = PublishedFile.objects.update_or_create(format=format, defaults=values)
    if previous is not None and previous.name != name:
        # A reader still streaming the old file keeps its open handle on a POSIX file system.
        files.delete(previous.name)
    log.info(
        "downloads: built %s (%d bytes, %d compressed) in %.1f s%s",
        format,
        size,
        file.compressed_size,
        seconds,
        ", same content" if same else "",
    )
    return file
