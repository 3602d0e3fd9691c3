"""What the import says of a row: a problem or warning at a row and column, and what happened to the row."""

from dataclasses import dataclass, field


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
