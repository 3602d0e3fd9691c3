"""Load the shipped law data (cases/data/) into Jurisdiction, Region, Article and WatchListEntry, and
the shipped designation lists (created when missing, never overwritten).

Reading and comparing are plain functions; `load_law` writes. Loading twice changes nothing,
and every run reports what it created and which facts changed, so staff can review a new law.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from cases.choices import ContactChannel, TitleSource
from cases.models import Article, DesignationList, Jurisdiction, Region, SilenceThreshold, WatchListEntry
from cases.models.law import ARTICLE_FIELDS
from cases.risk.queue import request_jurisdiction_assessment

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

JURISDICTION_FIELDS = (
    "name",
    "code_title",
    "death_penalty",
    "exemptions",
    "preparation_article",
    "attempt_article",
    "capital_attempt_since",
)


class LawDataError(ValueError):
    """The law data file is malformed; the message names the file and the entry."""


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    not_in_file: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.changed)

    def lines(self) -> list[str]:
        out = [f"created {item}" for item in self.created]
        out += [f"changed {item}" for item in self.changed]
        out += [f"kept, no longer in the data file: {item}" for item in self.not_in_file]
        return out or ["no changes"]


def expand_parts(raw) -> list[str]:
    """'1-3' -> ['1', '2', '3'], '2,4' -> ['2', '4'], None -> [''] (an article without parts)."""
    if raw is None or str(raw).strip() == "":
        return [""]
    parts: list[str] = []
    for piece in str(raw).split(","):
        piece = piece.strip()
        if "-" in piece:
            start, end = piece.split("-", 1)
            if not (start.isdigit() and end.isdigit()) or int(start) > int(end):
                raise LawDataError(f"cannot read the part range {raw!r}")
            parts += [str(n) for n in range(int(start), int(end) + 1)]
        elif piece:
            parts.append(piece)
    return parts


def _date(value, where: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise LawDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _part_key(raw) -> str:
    """A row's part as written in the data files ('3', '1-3', '2,4'; '' for none), to match rows."""
    return "" if raw is None else str(raw).strip()


def _article_label(number: str, raw_part) -> str:
    part = _part_key(raw_part)
    return f"art. {number} part {part}" if part else f"art. {number}"


def _title_source(value, where: str) -> str:
    if value not in TitleSource.values:
        allowed = ", ".join(TitleSource.values)
        raise LawDataError(f"{where}: the source of the Belarusian title is {value!r}, not one of {allowed}")
    return value


def _titles_be(raw: list, where: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """The registry's Belarusian titles, {(article, part as written): (title, source)}."""
    titles = {}
    for entry in raw:
        if not isinstance(entry, dict) or "article" not in entry:
            raise LawDataError(f"{where} titles_be: every entry names its 'article'")
        key = (str(entry["article"]), _part_key(entry.get("part")))
        label = f"{where} titles_be, {_article_label(*key)}"
        if key in titles:
            raise LawDataError(f"{label}: listed twice")
        title = str(entry.get("title_be") or "").strip()
        if not title:
            raise LawDataError(f"{label}: 'title_be' is empty")
        titles[key] = (title, _title_source(entry.get("source"), label))
    return titles


def _title_be(row: dict, number: str, titles: dict, law_path: Path, extra_path: Path) -> tuple[str, str]:
    """The Belarusian title of a law row and where it came from: from the row itself
    (`title_be`, `title_be_source`) or from the registry's `titles_be`, exactly one of them."""
    label = f"{law_path} {_article_label(number, row.get('part'))}"
    own = str(row.get("title_be") or "").strip()
    registry = titles.get((number, _part_key(row.get("part"))))
    if own and registry:
        raise LawDataError(f"{label}: a Belarusian title both in the law file and in {extra_path}")
    if own:
        return own, _title_source(row.get("title_be_source"), label)
    if registry:
        return registry
    raise LawDataError(
        f"{label}: no Belarusian title; add it to titles_be in {extra_path} "
        f"with its source ({' or '.join(TitleSource.values)})"
    )


def read_jurisdiction(code: str, data_dir: Path = DATA_DIR) -> dict:
    """The law and registry data of one jurisdiction as plain values, parts expanded."""
    law_path = data_dir / "law" / f"{code}.yaml"
    extra_path = data_dir / "registry" / f"{code}.yaml"
    law = yaml.safe_load(law_path.read_text(encoding="utf-8"))
    extra = yaml.safe_load(extra_path.read_text(encoding="utf-8")) if extra_path.exists() else {}
    if not isinstance(law, dict) or law.get("jurisdiction") != code:
        raise LawDataError(f"{law_path}: 'jurisdiction: {code}' missing")
    categories = {
        number: category
        for category, numbers in (extra.get("categories") or {}).items()
        for number in numbers
    }
    inchoate = law.get("inchoate") or {}
    capital_attempt = inchoate.get("capital_attempt") or {}
    jurisdiction = {
        "code": code,
        "name": extra.get("name", code),
        "code_title": law.get("code", ""),
        "death_penalty": law["death_penalty"],
        "exemptions": [item["rule"] for item in law.get("exemptions") or []],
        "preparation_article": str(inchoate.get("preparation_article") or ""),
        "attempt_article": str(inchoate.get("attempt_article") or ""),
        "capital_attempt_since": _date(capital_attempt.get("since"), f"{law_path} inchoate"),
    }
    attempt_parts = set(capital_attempt.get("parts") or [])
    titles_be = _titles_be(extra.get("titles_be") or [], extra_path)
    articles = []
    for index, row in enumerate(law.get("articles") or []):
        where = f"{law_path} article #{index + 1}"
        if "article" not in row or "title_en" not in row:
            raise LawDataError(f"{where}: 'article' and 'title_en' are required")
        number = str(row["article"])
        title_be, title_be_source = _title_be(row, number, titles_be, law_path, extra_path)
        for part in expand_parts(row.get("part")):
            for_attempt = _date(row.get("capital_for_attempt_since"), where)
            if for_attempt is None and f"{number}.{part}" in attempt_parts:
                for_attempt = jurisdiction["capital_attempt_since"]
            restriction_text = row.get("subject_restriction") or ""
            articles.append(
                {
                    "number": number,
                    "part": part,
                    "title_en": row["title_en"],
                    "title_ru": row.get("title_ru") or "",
                    "title_be": title_be,
                    "title_be_source": title_be_source,
                    "capital": bool(row.get("capital", False)),
                    "capital_since": _date(row.get("capital_since"), where),
                    "capital_for_attempt_since": for_attempt,
                    # The only restriction in the data so far is officials and military (356 part 2).
                    "subject_restriction": "official_or_military" if restriction_text else "",
                    "subject_restriction_text": restriction_text,
                    "category": categories.get(number, ""),
                    "penalty": row.get("penalty") or "",
                    "sources": list(row.get("sources") or []),
                    "verified": bool(row.get("verified", False)),
                    "note": row.get("note") or "",
                }
            )
    keys = [(a["number"], a["part"]) for a in articles]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise LawDataError(f"{law_path}: article parts listed twice: {sorted(duplicates)}")
    watch_list = [
        {
            "article_number": str(row["article"]),
            "part": str(row.get("part") or ""),
            "condition": row.get("condition") or "",
            "reason": row["reason"],
        }
        for row in extra.get("watch_list") or []
    ]
    return {
        "jurisdiction": jurisdiction,
        "regions": extra.get("regions") or [],
        "articles": articles,
        "watch_list": watch_list,
        "designation_lists": [
            {
                "code": row["code"],
                "name": row["name"],
                "name_en": row.get("name_en") or "",
                "kind": row["kind"],
                "issued_by": row.get("issued_by") or "",
                "url": row.get("url") or "",
                "gives_watch_reason": bool(row.get("gives_watch_reason", False)),
            }
            for row in extra.get("designation_lists") or []
        ],
        "silence_thresholds": _silence_thresholds(extra.get("silence_thresholds") or {}, extra_path),
    }


def _silence_thresholds(raw: dict, where: Path) -> list[dict]:
    """'any' is no contact of any kind (the empty channel); the other keys are channels."""
    rows = []
    for key, days in raw.items():
        channel = "" if key == "any" else str(key)
        if channel and channel not in ContactChannel.values:
            raise LawDataError(f"{where} silence_thresholds: unknown channel {key!r}")
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise LawDataError(f"{where} silence_thresholds: {key} must be a whole number of days")
        rows.append({"channel": channel, "days": days})
    return rows


# Designation lists and silence thresholds are not law: staff edit them in the admin, and
# changing a list asks for the assessment of its people (cases.services.designations), not of
# the whole jurisdiction; a threshold is read by the daily silence check.
NOT_LAW = ("designation_lists", "silence_thresholds")


def checksum(data: dict) -> str:
    law = {key: value for key, value in data.items() if key not in NOT_LAW}
    return hashlib.sha256(json.dumps(law, sort_keys=True, default=str).encode()).hexdigest()


def available_codes(data_dir: Path = DATA_DIR) -> list[str]:
    return sorted(p.stem for p in (data_dir / "law").glob("*.yaml"))


def _diff(instance, values: dict, fields) -> list[str]:
    changes = []
    for name in fields:
        old, new = getattr(instance, name), values[name]
        if old != new:
            changes.append(f"{name}: {old!r} → {new!r}")
            setattr(instance, name, new)
    return changes


@transaction.atomic
def load_law(codes=None, data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update the jurisdictions' law data; idempotent. Never deletes an article."""
    report = LoadReport()
    for code in codes or available_codes(data_dir):
        before = len(report.created) + len(report.changed)
        data = read_jurisdiction(code, data_dir)
        values = data["jurisdiction"]
        jurisdiction = Jurisdiction.objects.filter(code=code).first()
        if jurisdiction is None:
            jurisdiction = Jurisdiction.objects.create(**values)
            report.created.append(f"jurisdiction {code}")
        else:
            changes = _diff(jurisdiction, values, JURISDICTION_FIELDS)
            if changes:
                report.changed.append(f"jurisdiction {code}: " + "; ".join(changes))
        jurisdiction.data_checksum = checksum(data)
        jurisdiction.save()

        for row in data["regions"]:
            region, created = Region.objects.get_or_create(
                jurisdiction=jurisdiction,
                code=row["code"],
                defaults={"name_en": row["en"], "name_be": row.get("be", ""), "name_ru": row.get("ru", "")},
            )
            if created:
                report.created.append(f"region {code} {row['code']}")

        existing = {(a.number, a.part): a for a in Article.objects.filter(jurisdiction=jurisdiction)}
        for values in data["articles"]:
            key = (values["number"], values["part"])
            label = f"{code} art. {key[0]}" + (f" part {key[1]}" if key[1] else "")
            article = existing.pop(key, None)
            if article is None:
                Article.objects.create(
                    jurisdiction=jurisdiction,
                    number=key[0],
                    part=key[1],
                    **{f: values[f] for f in ARTICLE_FIELDS},
                )
                report.created.append(f"article {label}")
                continue
            changes = _diff(article, values, ARTICLE_FIELDS)
            if changes:
                article.save()
                report.changed.append(f"article {label}: " + "; ".join(changes))
        report.not_in_file += [f"article {code} {a.notation}" for a in existing.values()]

        for values in data["watch_list"]:
            entry, created = WatchListEntry.objects.get_or_create(
                jurisdiction=jurisdiction,
                article_number=values["article_number"],
                part=values["part"],
                defaults={"condition": values["condition"], "reason": values["reason"]},
            )
            if created:
                report.created.append(f"watch-list entry {entry}")
            else:
                changes = _diff(entry, values, ("condition", "reason"))
                if changes:
                    entry.save()
                    report.changed.append(f"watch-list entry {entry}: " + "; ".join(changes))
        if len(report.created) + len(report.changed) > before:
            request_jurisdiction_assessment(jurisdiction.pk)
        for values in data["designation_lists"]:
            _, created = DesignationList.objects.get_or_create(
                code=values["code"], defaults={**values, "jurisdiction": jurisdiction}
            )
            if created:
                report.created.append(f"designation list {values['code']}")
        for values in data["silence_thresholds"]:
            _, created = SilenceThreshold.objects.get_or_create(
                jurisdiction=jurisdiction, channel=values["channel"], defaults={"days": values["days"]}
            )
            if created:
                report.created.append(f"silence threshold {code} {values['channel'] or 'any'}")
    return report
