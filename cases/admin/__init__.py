"""The staff area, one module per group of screens; every save goes through cases.services so the
admin follows the same rules as the API, imports and tasks.

Owns: the ModelAdmins, their forms and the staff-only screens (import, export, identity, status).
May import: services, the risk engine, identity, transfer, protection and models; never api or public.
"""

# Registration order is the order of the admin's URL patterns: kept as it was (people first).
# isort: off
from cases.admin import people, cases, law, alerts, partners, audit  # noqa: F401
from cases.admin import accounts, export, identity, imports, profiles, status, waves  # noqa: F401
from cases.admin import designations, contacts, wellbeing  # noqa: F401
from cases.admin import hearings  # noqa: F401

# isort: on
from django.contrib import admin

from cases.admin.claims import ClaimAdmin
from cases.admin.contradictions import ContradictionAdmin
from cases.models import Claim, Contradiction

# Last: their modules are imported by the people and case screens, for the inlines.
admin.site.register(Contradiction, ContradictionAdmin)
admin.site.register(Claim, ClaimAdmin)
