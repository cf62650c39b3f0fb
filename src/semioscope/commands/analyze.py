"""`semioscope analyze` (not yet implemented)."""

from __future__ import annotations

import argparse

HELP = "(not yet implemented)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    from semioscope.errors import SemioscopeError

    raise SemioscopeError("analyze", "this command is not implemented yet")
