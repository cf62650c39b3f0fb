"""What a shell sees of a command stopped with Ctrl-C."""

from __future__ import annotations

import signal

#: Exit statuses a shell reports as 130 (128 + SIGINT). The CLI returns 130 itself, but Python 3.11
#: ends the process by re-raising SIGINT (status -2 to Popen) when the interrupt passed through an
#: ``exec`` of a string on its way (dataclass and namedtuple creation during start-up imports do
#: this), even though the CLI caught it; a shell, `make` and CI treat both the same.
INTERRUPTED = (130, -signal.SIGINT)
