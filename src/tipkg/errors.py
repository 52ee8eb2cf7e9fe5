"""Library exceptions. They become user messages (and exit code 2) only at the edge."""

from __future__ import annotations


class TipkgError(Exception):
    """Base class of every error tipkg reports to its users."""


class DataError(TipkgError):
    """Bad curated data: says which file, line and field, and what was expected."""

    def __init__(self, file: str, line: int, field: str, message: str) -> None:
        self.file, self.line, self.field, self.message = file, line, field, message
        super().__init__(f"{file}:{line}: {field}: {message}")

    def __reduce__(self) -> tuple[type[DataError], tuple[str, int, str, str]]:
        return DataError, (self.file, self.line, self.field, self.message)  # from a build's worker process


class NotBuiltError(TipkgError):
    """No built graph where one is needed."""


class NetworkError(TipkgError):
    """A network view or analysis that cannot be made: an unknown or ambiguous entity, an unusable result."""


class ReasonerError(TipkgError):
    """The OWL reasoner could not give an answer: no Java, time-out, or a Java error."""
