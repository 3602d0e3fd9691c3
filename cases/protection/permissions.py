"""The staff groups and what each may do, declared in one place.

Viewers read; Editors record people, cases, charges and events, review likely duplicates and
moderate partner submissions; Publishers also decide what the public sees, maintain the law data,
import spreadsheets and merge duplicates. Nobody but a superuser deletes: records end by a
state change (withdrawn, dropped), so nothing is lost.
"""

CASE_DATA_MODELS = [
    "person",
    "personname",
    "case",
    "charge",
    "reclassification",
    "caseevent",
    "hearing",
    "release",
    "releasewave",
    "designationsnapshot",
    "designation",
    "source",
    "facility",
    "facilitystay",
    "externalidentifier",
    "chargetoreview",
    "claim",
    "prisonercontact",
    "lettercount",
    "particularrisk",
]
# A designation list's wording and whether it gives a watch reason are read by the rules, like the law.
LAW_DATA_MODELS = [
    "jurisdiction",
    "region",
    "article",
    "watchlistentry",
    "designationlist",
    "silencethreshold",
]
ALL_MODELS = CASE_DATA_MODELS + LAW_DATA_MODELS

VIEWER = "Viewer"
EDITOR = "Editor"
PUBLISHER = "Publisher"
# A small group on top of a role: only its members see confidential sources and any contact
# (sources' contacts, people's contacts), in the admin, the API, exports and tasks alike.
SOURCES = "Sources"
CONFIDENTIAL_SOURCES_PERMISSION = "cases.view_confidential_source"
# The fields only that group sees, by model: the admin, the history pages and the exports hide them.
SOURCES_GROUP_FIELDS = {"person": ("contacts",), "source": ("contact",)}
# Not a role: its members get an e-mail when a case's risk level changes (settings.RISK_ALERT_GROUP).
RISK_ALERTS = "Risk alerts"


RISK_MODELS = ["riskassessment", "riskalert"]
# Facts that cannot all be true, flagged by a check: every group reads them, Editors and
# Publishers resolve them with a note (triage); nobody adds one by hand.
FLAG_MODELS = ["contradiction"]
# Imports and merges touch many records at once: Publishers run them, everyone may read their record.
IDENTITY_MODELS = ["importrun", "importprofile", "duplicatecandidate", "personmerge"]


def group_permissions() -> dict[str, set[str]]:
    """Group name -> permission codenames of the cases app."""
    view = {f"view_{m}" for m in ALL_MODELS + RISK_MODELS + IDENTITY_MODELS + FLAG_MODELS}
    edit = {f"{verb}_{m}" for m in CASE_DATA_MODELS for verb in ("add", "change")}
    triage = {"change_riskalert", "triage_riskalert", "change_duplicatecandidate", "change_contradiction"}
    # The moderation queue holds raw reports (names, the reporter's contact): not for Viewers.
    moderation = {"view_submission", "change_submission", "moderate_submission"}
    # Import profiles decide how a whole list is read: Publishers, who import, keep them.
    bulk = {"run_import", "merge_person", "add_importprofile", "change_importprofile"}
    # Which of two sources is right is a Publisher's call; Editors record what each source says.
    decide = {"decide_claim"}
    law = {f"change_{m}" for m in ("article", "watchlistentry", "designationlist", "silencethreshold")} | {
        "add_designationlist",
        "add_silencethreshold",
    }
    webhooks = {f"{verb}_webhooksubscription" for verb in ("view", "add", "change")} | {
        "view_webhookdelivery"
    }
    return {
        VIEWER: view,
        EDITOR: view | edit | triage | moderation,
        PUBLISHER: view | edit | triage | moderation | law | webhooks | bulk | decide | {"publish_person"},
        SOURCES: {"view_confidential_source"},
        RISK_ALERTS: set(),
    }


def sync_groups(apps=None, *, strict=True) -> None:
    """Create the groups and give them exactly the declared permissions of the cases app.

    Migrations call it with strict=False: an early migration does not know the models that later
    ones add, and the latest migration that calls it grants the rest.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in global_apps.get_app_configs():
        if app_config.label == "cases":
            create_permissions(app_config, verbosity=0, apps=apps)
    for name, codenames in group_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = Permission.objects.filter(content_type__app_label="cases", codename__in=codenames)
        missing = codenames - set(perms.values_list("codename", flat=True))
        if missing and strict:
            raise RuntimeError(f"permissions missing for group {name}: {sorted(missing)}")
        keep_other_apps = group.permissions.exclude(content_type__app_label="cases")
        group.permissions.set(list(perms) + list(keep_other_apps))


def sees_sources(user) -> bool:
    """May this user see confidential sources and contacts? The one predicate for every surface."""
    return bool(user and user.is_active and user.has_perm(CONFIDENTIAL_SOURCES_PERMISSION))


def source_label(source, user) -> str:
    """How a source is named to a user: a confidential one is masked outside the Sources group, so
    an editor can keep a charge's source without learning who it is."""
    if source.confidential and not sees_sources(user):
        return f"Confidential source {str(source.public_id)[:8]} (Sources group only)"
    return str(source)
