"""Errors the services raise when a change would break a rule of the registry.

They are ValidationErrors so that the admin and the API show them to the person who asked.
"""

from django.core.exceptions import ValidationError


class RefusedChange(ValidationError):
    """A write was refused; the message says why in words staff understand."""


class ReclassificationRefused(RefusedChange):
    pass


class PublicationRefused(RefusedChange):
    pass
