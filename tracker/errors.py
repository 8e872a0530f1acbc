"""Exceptions the core raises; the CLI turns each into one line and exit status 1.

Core modules never print or exit: they raise one of these with a sentence a user understands.
"""

from __future__ import annotations

from pathlib import Path


class TrackerError(Exception):
    """Base class for every expected failure (bad input, missing item, network trouble)."""


class DataError(TrackerError):
    """Invalid content in a data file: names the file and, when known, the line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"


class DataErrors(DataError):
    """Several problems in one file, each with its line: a person fixes them all in one go, not one per run."""

    SHOWN = 20

    def __init__(self, errors: list[DataError]) -> None:
        flat = [inner for error in errors for inner in (error.errors if isinstance(error, DataErrors) else [error])]
        self.errors = sorted(flat, key=lambda error: (str(error.path), error.line or 0))
        first = self.errors[0]
        super().__init__(first.message, first.path, first.line)

    def __str__(self) -> str:
        lines = [DataError.__str__(error) for error in self.errors[: self.SHOWN]]
        if len(self.errors) > self.SHOWN:
            lines.append(f"... and {len(self.errors) - self.SHOWN} more problems")
        return "\n".join(lines)


def raise_all(errors: list[DataError]) -> None:
    """Raise the one error, or all of them together; nothing when the list is empty."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DataErrors(errors)


class NotFoundError(TrackerError):
    """A reference (id, id prefix, URL) that matches nothing, or more than one thing."""


class DuplicateError(TrackerError):
    """An item whose id or normalised URL is already in the list."""

    def __init__(self, message: str, existing_id: str | None = None) -> None:
        self.existing_id = existing_id
        super().__init__(message)
