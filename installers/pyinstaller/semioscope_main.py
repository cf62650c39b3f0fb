"""Entry script of the PyInstaller build (installers/pyinstaller/semioscope.spec).

The frozen ``semioscope`` opens the review window when started without arguments (as the
``semioscope`` command does) and accepts every subcommand and ``--self-test`` otherwise.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # scikit-learn/joblib worker processes in a frozen app
    from semioscope.cli import main

    raise SystemExit(main(sys.argv[1:]))
