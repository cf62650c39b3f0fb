"""Errors the user can act on.

Every problem with the user's input (a file, a crop, a span, a weights file) is raised as a
:class:`SemioscopeError` naming the thing at fault, so the CLI can print one line
``semioscope: error: <path>: <what is wrong>`` and exit with status 2, and the GUI can show the
same text in a dialog. Any other exception is our bug (exit status 1).
"""

from __future__ import annotations

from os import PathLike


class SemioscopeError(Exception):
    """A problem with the user's input; ``subject`` is usually a path."""

    def __init__(self, subject: str | PathLike[str] | None, message: str) -> None:
        self.subject = None if subject is None else str(subject)
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}" if self.subject else self.message

    def __reduce__(self) -> tuple[type, tuple[str | None, str]]:
        # picklable with both arguments, so the error crosses process boundaries (Ray workers)
        return type(self), (self.subject, self.message)


class VideoError(SemioscopeError):
    """A video cannot be opened or read."""


class WeightsError(SemioscopeError):
    """A weights or classifier file is missing, corrupt or for another model."""


class CancelledError(Exception):
    """Raised inside long work when the user cancelled it (not an error to report)."""
