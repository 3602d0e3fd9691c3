"""Encryption at rest of the confidential fields, with keys that never live in the database.

The keys come from the environment (FIELD_ENCRYPTION_KEYS: Fernet keys, newest first), so a
copy of the database, a dump or a stolen backup holds only ciphertext. Fernet is AES-128-CBC
with an HMAC-SHA256 over the token: a changed ciphertext fails to decrypt instead of reading as
something else. MultiFernet decrypts with any listed key and encrypts with the first, which is
what makes rotation possible: add a new key in front, run `manage.py rotate_field_keys`, then
drop the old key.

Stored values carry a prefix naming the scheme, so a value written before encryption was
switched on (plain text) is told apart from a token, and a future scheme can be added.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"


class UnreadableValue(Exception):
    """A stored value that none of the configured keys decrypts (a key was dropped too early)."""


@lru_cache(maxsize=4)
def _cipher_for(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: confidential fields cannot be read or written. "
            "Generate a key with `manage.py generate_field_key`."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key: {error}"
        ) from error


def cipher() -> MultiFernet:
    return _cipher_for(tuple(settings.FIELD_ENCRYPTION_KEYS))


def new_key() -> str:
    return Fernet.generate_key().decode()


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(plain: str) -> str:
    """The stored form of a value; the empty string stays empty, so "is it set" needs no key."""
    if plain == "":
        return ""
    return PREFIX + cipher().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        return stored  # written before the field was encrypted; the migration encrypts these
    try:
        return cipher().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise UnreadableValue(
            "A confidential value cannot be decrypted with the configured FIELD_ENCRYPTION_KEYS"
        ) from error


def rotate(stored: str) -> str:
    """The value re-encrypted with the newest key (plain text is encrypted)."""
    if stored == "":
        return ""
    if not is_encrypted(stored):
        return encrypt(stored)
    try:
        return PREFIX + cipher().rotate(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise UnreadableValue("A value cannot be decrypted with any configured key") from error
