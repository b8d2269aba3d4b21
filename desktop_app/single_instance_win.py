"""The mark of a running program on Windows: a named mutex held for the life of the process.

The installer (installer/metodaktiv.nsi, MUTEX_NAME) looks for it and will not replace the
program's files while a copy runs. Elsewhere nothing is done.
"""

from __future__ import annotations

import sys

MUTEX_NAME = "Local\\Metodaktiv.Running"
_held: list[int] = []  # the handle, never closed: Windows releases it when the process ends


def hold_running_mark() -> None:
    """Create (or open) the named mutex; a failure only leaves the mark out."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        create = ctypes.WinDLL("kernel32").CreateMutexW
        create.argtypes = [ctypes.c_void_p, wintypes.BOOL, wintypes.LPCWSTR]
        create.restype = ctypes.c_void_p
        handle = create(None, False, MUTEX_NAME)
        if handle:
            _held.append(handle)
