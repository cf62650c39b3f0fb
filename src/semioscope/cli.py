"""The ``semioscope`` command: one entry point, one module per subcommand.

Each module in :mod:`semioscope.commands` exposes ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args) -> int``. Command modules import heavy libraries (torch, Qt) inside ``run`` only,
so ``semioscope --help`` stays instant.

Exit status: 0 success, 2 a problem with the user's input (one line on stderr, no traceback),
1 our own bug (traceback with ``--debug``), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from semioscope import DISCLAIMER, __version__
from semioscope.errors import CancelledError, SemioscopeError

#: subcommand name -> module under semioscope.commands (order = order in --help)
COMMANDS: dict[str, str] = {
    "review": "review",
    "info": "info",
    "synth": "synth",
    "crop": "crop",
    "analyze": "analyze",
    "report": "report",
    "models": "models",
    "extract": "extract",
    "train": "train",
    "cv": "cv",
    "search": "search",
    "project": "project",
    "events": "events",
    "demo": "demo",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="semioscope",
        description=(
            "Review infrared seizure videos from an epilepsy monitoring unit and score "
            "frontal-lobe (FLE) against temporal-lobe (TLE) epilepsy per 2-second window. "
            "With no command, opens the review window. " + DISCLAIMER
        ),
    )
    parser.add_argument("--version", action="version", version=f"semioscope {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation offscreen on a tiny synthetic clip "
                             "(engine, report, review window); prints pass/fail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(f"semioscope.commands.{module_name}")
        cmd = sub.add_parser(name, help=module.HELP, description=module.HELP)
        cmd.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                         help="show tracebacks and debug logs")
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


#: what the clinician runtime (OpenVINO, installers/clinician-requirements.txt) does not have
RESEARCH_ONLY = ("torch", "torchvision", "sklearn", "scipy", "ray")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    debug = bool(getattr(args, "debug", False))
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="semioscope: %(levelname)s: %(message)s",
    )
    if getattr(args, "self_test", False):
        from semioscope.selftest import run_self_test

        return run_self_test()
    run = getattr(args, "_run", None)
    if run is None:  # no subcommand: the review window
        args = parser.parse_args(["review", *args_list])
        run = args._run
    try:
        return int(run(args) or 0)
    except SemioscopeError as exc:
        if debug:
            traceback.print_exc()
        print(f"semioscope: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:   # `semioscope info v.mkv | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in RESEARCH_ONLY:
            raise
        print(f"semioscope: error: {args_list[0] if args_list else 'review'}: needs the research "
              f"install ({exc.name} is not part of the clinician runtime); for analysis pass "
              "--pack with a model pack from `semioscope models export` (for crop too, when the "
              "pack has a detector)", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, CancelledError):
        print("semioscope: interrupted; no partial output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # our bug
        if debug:
            traceback.print_exc()
        else:
            print(
                f"semioscope: internal error: {type(exc).__name__}: {exc} "
                "(run again with --debug for the traceback, and please report it)",
                file=sys.stderr,
            )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
