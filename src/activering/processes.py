"""Worker processes that never outlive the run that started them.

A docent or trainer may stop a long run with kill -9 (or the machine's out-of-memory killer may). Pool
workers forked by that run must then end too: otherwise they keep the run's output pipe open and wait
forever for work that never comes.
"""

from __future__ import annotations

import ctypes
import os
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when ``parent`` ends (also on kill -9); Linux only.

    Call it first thing in a worker, with the parent's pid taken *before* the fork.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)
