"""Pieces shared by the admin screens: edit conflicts, audited and masked confidential reads, read-only
records, named inputs in tabular inlines, and the article filter."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import pretty_name
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, smart_split, unescape_string_literal
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.admin.display import local_time, time_zone_name
from cases.filtersets import few_or_all, name_search_q, names_matching
from cases.models import (
    Article,
    Charge,
    ExternalIdentifier,
    PersonName,
    Source,
)
from cases.protection import audit
from cases.protection.fields import EncryptedTextField
from cases.protection.permissions import sees_sources, source_label
from cases.wording.render import Renderer

SEEN_VERSION = "seen_version"


class EditConflict(ValidationError):
    pass


class OptimisticLockMixin:
    """Two staff members editing one record: the second save is refused and shown what changed.

    The form carries the id of the newest history row the editor saw. On save the row is locked
    (for the rest of the request's transaction) and the newest history row compared: if someone
    saved in between, nothing is written and the page lists who changed which fields, with the
    form now holding their version for the editor to apply their change again.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The version field is the form's own, not the model's: keep it out of the ModelForm.
        if kwargs.get("fields") is not None:
            kwargs["fields"] = [f for f in kwargs["fields"] if f != SEEN_VERSION]
        elif "fields" not in kwargs:
            declared = flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [f for f in declared if f != SEEN_VERSION]
        form_class = super().get_form(request, obj, change, **kwargs)
        model = self.model

        class LockedForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                latest = self.instance.history.order_by("-history_id").first() if self.instance.pk else None
                self.fields[SEEN_VERSION] = forms.CharField(
                    label=_("Version seen"),
                    widget=forms.HiddenInput,
                    required=False,
                    initial=latest.history_id if latest else "",
                )

            def clean(self):
                cleaned = super().clean()
                seen = self.cleaned_data.get(SEEN_VERSION) or ""
                if self.instance.pk and seen.isdigit():
                    model.objects.select_for_update().filter(pk=self.instance.pk).first()
                    newer = self.instance.history.filter(history_id__gt=int(seen)).order_by("history_id")
                    if newer.exists():
                        self.data = self.data.copy()
                        self.data[self.add_prefix(SEEN_VERSION)] = str(newer.last().history_id)
                        raise EditConflict(_conflict_message(self.instance, int(seen), list(newer)))
                return cleaned

        return LockedForm

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f != SEEN_VERSION]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return [*fieldsets, (None, {"fields": [SEEN_VERSION], "classes": ["hidden"]})]


def _conflict_message(instance, seen: int, newer) -> str:
    base = instance.history.filter(history_id=seen).first()
    changed = set()
    previous = base
    for record in newer:
        if previous is not None:
            changed |= set(record.diff_against(previous).changed_fields)
        previous = record
    who = {str(record.history_user or gettext("a background task")) for record in newer}
    when = f"{local_time(newer[-1].history_date, 'Y-m-d H:i:s')} ({time_zone_name()})"
    names = sorted(
        gettext("a confidential field")
        if isinstance(instance._meta.get_field(f), EncryptedTextField)
        else str(instance._meta.get_field(f).verbose_name)
        for f in changed
    ) or [gettext("nothing visible")]
    return gettext(
        "Not saved: %(who)s saved this record at %(when)s while you were editing (%(fields)s "
        "changed). The page now shows their version: apply your change again and save."
    ) % {"who": ", ".join(sorted(who)), "when": when, "fields": ", ".join(dict.fromkeys(names))}


class AuditConfidentialReadsMixin:
    """A change page (or an old version of it) that shows a confidential value puts the read on record."""

    def confidential_fields_shown(self, request, obj) -> list[str]:
        return []

    def _audit(self, request, object_id, version_id=None):
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None:
            return
        if version_id is not None:
            version = obj.history.filter(history_id=version_id).first()
            obj = version.instance if version else obj
        fields = self.confidential_fields_shown(request, obj)
        audit.record_request_read(request, [obj], object_type=self.model._meta.model_name, fields=fields)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(request, object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if request.method == "GET" and response.status_code == 200:
            self._audit(request, object_id, version_id)
        return response


class HideFromHistoryMixin:
    """The history page lists what changed; fields a user may not see are left out of that list."""

    sources_group_fields: tuple[str, ...] = ()

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        hidden = [] if sees_sources(request.user) else list(self.sources_group_fields)
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class MaskConfidentialSourcesMixin(HideFromHistoryMixin):
    """Every source picker names confidential sources only to the Sources group
    (cases.protection.permissions); a read-only page (a viewer's) shows a source by a label that
    never names a confidential one."""

    sources_group_fields = ("source", "sources")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.has_change_permission(request, obj):
            fields = ["source_display" if field == "source" else field for field in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "source_display"]

    @admin.display(description=_("source"))
    def source_display(self, obj):
        source = getattr(obj, "source", None)
        return source_label(source, None) if source else "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Source:
            field.label_from_instance = lambda source: source_label(source, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Source:
            field.label_from_instance = lambda source: source_label(source, request.user)
        return field


def reasons_html(reasons) -> str:
    """An assessment's reasons as paragraphs, each escaped, in the staff member's language."""
    return format_html_join("", "<p>{}</p>", ((text,) for text in Renderer().render_all(reasons))) or "—"


def message_for(error: ValidationError) -> str:
    return " ".join(error.messages)


class ArticleListFilter(admin.SimpleListFilter):
    """Filter by article part, listing only parts that are charged somewhere.

    Both directions are semi-joins (EXISTS), never a join with DISTINCT: listing the parts probes
    the charges' article index once per part (a few hundred) rather than reading every charge,
    and filtering keeps one row per listed record without sorting them all (issue 21: the join
    cost every admin list 0.8-0.9 s at 100,000 people)."""

    title = _("article")
    parameter_name = "article"
    # The path from a charge to the listed record.
    charge_owner = "case"

    def lookups(self, request, model_admin):
        used = Article.objects.filter(Exists(Charge.objects.filter(article=OuterRef("pk")))).select_related(
            "jurisdiction"
        )
        return [(a.pk, f"{a.jurisdiction.code} {a}") for a in used]  # str: in the staff language

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            article = int(self.value())
        except ValueError:
            return queryset.none()
        return queryset.filter(
            Exists(Charge.objects.filter(**{self.charge_owner: OuterRef("pk")}, article_id=article))
        )


class PersonArticleListFilter(ArticleListFilter):
    charge_owner = "case__person"


def titled(filter_class: type[admin.FieldListFilter], title) -> type[admin.FieldListFilter]:
    """`filter_class` with its own title: for a field whose verbose name is not the registry's to
    translate (a library model's field), `("revoked", titled(admin.BooleanFieldListFilter, _("revoked")))`."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        filter_class.__init__(self, field, request, params, model, model_admin, field_path)
        self.title = title

    return type(f"Titled{filter_class.__name__}", (filter_class,), {"__init__": __init__})


class ReadOnlyAdminMixin:
    """A record of what happened (an assessment, an import, an audit entry): shown, never edited
    or deleted from the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def search_by_person(queryset, search_term: str, *, person: str, fields=(), external_ids: bool = False):
    """The rows of `queryset` that the staff search finds, for the lists of many rows (people,
    cases, charges, alerts): as Django's admin search with `names__text` among its fields, and
    `with_any_name_matches`, but each match of a name is a set of person ids read from the names
    table (its trigram index on UPPER(text), migration 0043) rather than a join: no row is
    repeated, so no DISTINCT sorts the whole table (issue 21: 0.5 to 2 s at 100,000 people).

    Every word of the term must be found in one of the person's names, or in one of `fields`
    ("=field": the whole word, any case; otherwise any part of it), or be one of the person's
    external identifiers (`external_ids`); or the whole term matches a name in any script and
    spelling (cases.identity.names); or, with `external_ids`, it is "<scheme>:<value>" exactly.
    `person` is the path from the listed model to its person's id.
    """
    words = [
        unescape_string_literal(w) if w[:1] in "\"'" and w[:1] == w[-1:] else w
        for w in smart_split(search_term)
    ]
    if not words:
        return queryset
    every_word = Q()
    for word in words:
        named = PersonName.objects.filter(text__icontains=word).values("person_id")
        one = Q(**{f"{person}__in": few_or_all(named)})
        if external_ids:
            carried = ExternalIdentifier.objects.filter(value__iexact=word).values("person_id")
            one |= Q(**{f"{person}__in": few_or_all(carried)})
        for field in fields:
            one |= _field_matches(queryset.model, field, word)
        every_word &= one
    found = every_word
    names = names_matching(search_term)
    if names is not None:
        found |= Q(**{f"{person}__in": few_or_all(names.values("person_id"))})
    scheme, colon, value = search_term.strip().partition(":")
    if external_ids and colon and scheme and value:
        carried = ExternalIdentifier.objects.filter(scheme=scheme, value=value).values("person_id")
        found |= Q(**{f"{person}__in": few_or_all(carried)})
    return queryset.filter(found)


def _field_matches(model, field: str, word: str) -> Q:
    """`word` in `field` ("=field": the whole of it, any case); a field of a related record
    ("article__number") as the set of those records' ids, so the list's rows are not joined to
    them for the search."""
    exact = field.startswith("=")
    field = field.lstrip("=")
    lookup = "iexact" if exact else "icontains"
    first, _, rest = field.partition("__")
    if not rest:
        return Q(**{f"{field}__{lookup}": word})
    related = model._meta.get_field(first).related_model
    return Q(**{f"{first}__in": related.objects.filter(**{f"{rest}__{lookup}": word}).values("pk")})


def with_any_name_matches(results, queryset, search_term, person="pk"):
    """The admin's own search `results`, plus the rows of `queryset` whose person has a name in
    which every word of `search_term` begins a word, in any spelling and any script: 'Aliaksandr'
    finds 'Аляксандр', 'Евгений' finds 'Yauhen' (cases.identity.names).

    Every admin list that names people calls it from `get_search_results`: people, cases, charges,
    alerts. `person` is the path from the listed model to its person's id.
    """
    by_key = name_search_q(search_term, person)
    return results if by_key is None else results | queryset.filter(by_key)


class SavedThroughServicesMixin:
    """A record whose page saves through a service that records its sources with it (save_model
    calls the service; nothing is left for save_related) and whose deletion is a service's too:
    `remove(request, obj)`, for one record and for the list's delete action alike."""

    def remove(self, request, obj) -> None:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        pass  # the service saved the sources with the record

    def delete_model(self, request, obj):
        self.remove(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.remove(request, obj)


class PeopleListMixin(ReadOnlyAdminMixin):
    """A staff list of people seen from one concern (a proxy of Person: the silences, the people at
    particular risk): read only, open to whoever may view `view_permission`'s records, searched in
    any script, each row linking to the person's own page (no self-link: the proxy has no page)."""

    view_permission = ""
    list_display_links = None

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.view_permission)

    def has_module_permission(self, request):
        return request.user.has_perm(self.view_permission)

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return with_any_name_matches(results, queryset, search_term), may_have_duplicates

    @admin.display(description=_("person"))
    def person_link(self, person):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:cases_person_change", args=[person.pk]), person
        )


class NamedInputsInlineMixin:
    """Every input of a tabular inline has an accessible name: its column and its row.

    A tabular inline shows a field's label once, as the column header, and no <label> beside the
    inputs below it, so a screen reader announces only "edit text" or "combo box". Each input
    gets an aria-label such as "Stage, charge 2" (the visible header first, WCAG 2.5.3), and a
    row added in the browser from the empty form is "Stage, new charge". The script in `media`
    passes the name on to the select2 boxes of autocomplete fields.
    """

    @property
    def media(self):
        media = super().media
        if self.autocomplete_fields:
            # After autocomplete.js, which starts select2 on the same events.
            media += forms.Media(js=["admin/js/autocomplete.js", "cases/admin/named_select2.js"])
        return media

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_NamedInputsFormSetMixin, formset), {})


class _NamedInputsFormSetMixin:
    def add_fields(self, form, index):
        # The formset adds its own fields (delete, order) here, after the form's __init__.
        super().add_fields(form, index)
        noun = self.model._meta.verbose_name
        row = gettext("new %(noun)s") % {"noun": noun} if index is None else f"{noun} {index + 1}"
        for name, field in form.fields.items():
            widget = field.widget
            while hasattr(widget, "widget"):  # the admin's wrapper with the add and change links
                widget = widget.widget
            if widget.is_hidden or isinstance(widget, forms.MultiWidget) or widget.use_fieldset:
                continue  # hidden, or labelled part by part by its own template
            label = pretty_name(name) if field.label is None else field.label
            widget.attrs["aria-label"] = f"{capfirst(label)}, {row}"
