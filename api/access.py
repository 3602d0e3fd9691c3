"""Who may see what through the API, declared in one place.

| caller                         | records                 | fields                         | writes      |
|--------------------------------|-------------------------|--------------------------------|-------------|
| anonymous                      | published only          | public only                    | none        |
| key with read:public           | published only          | public only                    | none        |
| key with read:restricted       | published only          | public + confidential          | none        |
| key with write:submissions     | (as its read scope)     |                                | submissions |
| key with read:contacts         | published only          | contacts: channel and day only | none        |
| key with write:contacts        |                         |                                | contacts    |
| staff session with view perms  | every record (drafts)   | public + confidential          | none here   |
| ... and in the Sources group   | (as above)              | + confidential sources, contacts | none here |

A key with write:submissions also reads back the state of its own organisation's submissions
(api.views.SubmissionViewSet), never another organisation's and never their content.

Confidential sources and contacts (who told us, how to reach relatives) are the most dangerous
data here: no API key ever receives them, only staff sessions with
`cases.view_confidential_source` (the Sources group), as in the admin and exports.

Everything else (serializers, filters, the change feed, exports) asks `access_for(request)`.
"""

from dataclasses import dataclass

from cases.models import PartnerAPIKey
from cases.protection.permissions import CONFIDENTIAL_SOURCES_PERMISSION

Scope = PartnerAPIKey.Scope
ANONYMOUS_LABEL = "anonymous"


@dataclass(frozen=True)
class Access:
    label: str
    sees_unpublished: bool = False
    sees_confidential: bool = False
    sees_sources: bool = False
    can_submit: bool = False
    is_staff: bool = False
    reads_contacts: bool = False

    @property
    def is_anonymous(self) -> bool:
        """No key and no verified staff session: what anyone on the internet gets."""
        return self.label == ANONYMOUS_LABEL


ANONYMOUS = Access(ANONYMOUS_LABEL)


def access_for(request) -> Access:
    cached = getattr(request, "_registry_access", None)
    if cached is not None:
        return cached
    access = _compute(request)
    request._registry_access = access
    return access


def _compute(request) -> Access:
    key = getattr(request, "auth", None)
    if isinstance(key, PartnerAPIKey):
        return Access(
            f"key:{key.prefix}",
            sees_confidential=key.has_scope(Scope.READ_RESTRICTED),
            can_submit=key.has_scope(Scope.WRITE_SUBMISSIONS),
            reads_contacts=key.has_scope(Scope.READ_CONTACTS),
        )
    user = getattr(request, "user", None)
    # A staff session counts only after the second factor: a password-only session (a new
    # member half-way through setting up their authenticator) is anonymous here.
    verified = getattr(user, "is_verified", lambda: False)
    if user is not None and user.is_authenticated and user.is_active and user.is_staff and verified():
        sees = user.has_perm("cases.view_person")
        return Access(
            f"staff:{user.pk}",
            sees_unpublished=sees,
            sees_confidential=sees,
            sees_sources=sees and user.has_perm(CONFIDENTIAL_SOURCES_PERMISSION),
            is_staff=True,
            reads_contacts=user.has_perm("cases.view_prisonercontact"),
        )
    return ANONYMOUS
