"""The staff groups and what each may do, declared in one place.

Viewers read; Editors record people, cases, charges and events and review likely duplicates;
Publishers also decide what the public sees, maintain the law data, import spreadsheets and
merge duplicates. Nobody but a superuser deletes: records end by a
state change (withdrawn, dropped), so nothing is lost.
"""

CASE_DATA_MODELS = [
    "person",
    "personname",
    "case",
    "charge",
    "reclassification",
    "caseevent",
    "source",
    "facility",
    "facilitystay",
    "externalidentifier",
    "chargetoreview",
]
LAW_DATA_MODELS = ["jurisdiction", "region", "article", "watchlistentry"]
ALL_MODELS = CASE_DATA_MODELS + LAW_DATA_MODELS

VIEWER = "Viewer"
EDITOR = "Editor"
PUBLISHER = "Publisher"
# Not a role: its members get an e-mail when a case's risk level changes (settings.RISK_ALERT_GROUP).
RISK_ALERTS = "Risk alerts"


RISK_MODELS = ["riskassessment", "riskalert"]
# Imports and merges touch many records at once: Publishers run them, everyone may read their record.
IDENTITY_MODELS = ["importrun", "duplicatecandidate", "personmerge"]


def group_permissions() -> dict[str, set[str]]:
    """Group name -> permission codenames of the cases app."""
    view = {f"view_{m}" for m in ALL_MODELS + RISK_MODELS + IDENTITY_MODELS}
    edit = {f"{verb}_{m}" for m in CASE_DATA_MODELS for verb in ("add", "change")}
    triage = {"change_riskalert", "triage_riskalert", "change_duplicatecandidate"}
    bulk = {"run_import", "merge_person"}
    law = {f"change_{m}" for m in ("article", "watchlistentry")}
    webhooks = {f"{verb}_webhooksubscription" for verb in ("view", "add", "change")} | {
        "view_webhookdelivery"
    }
    return {
        VIEWER: view,
        EDITOR: view | edit | triage,
        PUBLISHER: view | edit | triage | law | webhooks | bulk | {"publish_person"},
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
