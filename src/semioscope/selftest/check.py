"""The one failure a self-test check reports (its message is printed after FAIL)."""

from __future__ import annotations


class CheckFailed(Exception):
    """A check found something wrong (the message is printed after FAIL)."""
