"""What the import says of a row: a problem or warning at a row and column, and what happened to the row.

Each reason and change is said as a message of the wording catalogue (`said`), so the report is
rendered in the reader's language (docs/languages.md); its English text is the `Said` string
itself, which the report, the management command and the tests read as before.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from cases.wording import catalogue


class Said(str):
    """An English reason or change that knows the message it renders (`message`)."""

    message: dict


def said(code: str, **params) -> Said:
    """The message `code` with `params` (a Said parameter is nested as its message), in English."""
    params = {
        name: {"message": value.message} if isinstance(value, Said) else value
        for name, value in params.items()
    }
    found = catalogue.message(code, **params)
    text = Said(catalogue.english(found))
    text.message = found
    return text


def said_of(error: Exception) -> Said | str:
    """The reason a reader's exception (CellProblem, DateProblem) carries."""
    reason = error.args[0] if error.args else ""
    return reason if isinstance(reason, Said) else str(error)


def message_of(text: str) -> dict:
    """The message a line stores: the Said's, else the English text with no code (a reason the
    catalogue does not have, e.g. a service's refusal), shown as it is, marked as English."""
    return text.message if isinstance(text, Said) else {"text": str(text)}


def uncertain_said(charge) -> Said:
    """cases.services.review.uncertain_reason, said (the notation parser's words stay as it wrote them)."""
    return said("import.uncertain", how=charge.uncertain)


def unknown_article_said(charge, articles) -> Said:
    """cases.services.review.unknown_article_reason, said: why a charge read is not a part of the law data."""
    if not articles.parts.get(charge.article):
        return said("import.not_in_law")
    if not charge.part:
        return said("import.no_part", number=charge.article)
    return said("import.no_such_part", number=charge.article)


def changes_message(changes: Iterable[str]) -> dict:
    """A row's changes as one message: each change's message, joined "a; b"."""
    items = [{"message": c.message} if isinstance(c, Said) else str(c) for c in changes]
    return catalogue.message("import.changes", changes={"items": items})


@dataclass(frozen=True, slots=True)  # a report may hold a hundred thousand
class Issue:
    """A problem (the row is rejected) or a warning (the row is imported) at a row and column."""

    row: int | None  # None: the whole file
    column: str
    reason: str

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self):
        where = f"row {self.row}" if self.row is not None else "file"
        return f"{where}, column {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass(slots=True)
class RowOutcome:
    row: int
    action: str  # created | updated | unchanged | rejected
    changes: list[str] | tuple[str, ...] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"row": self.row, "action": self.action, "changes": list(self.changes)}
