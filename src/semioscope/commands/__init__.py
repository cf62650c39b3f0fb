"""One module per ``semioscope`` subcommand (see :mod:`semioscope.cli`)."""
