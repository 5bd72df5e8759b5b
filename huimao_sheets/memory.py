"""Give the memory that a large read freed back to the system.

Reading a large register frees hundreds of megabytes at a time (a worksheet's part once its Arrow columns
are built, the Arrow columns once the records are): glibc's allocator keeps such memory for the process
unless asked to return it (``malloc_trim``). On other C libraries this does nothing.
"""

from __future__ import annotations

import ctypes

try:
    # The C library the interpreter itself runs on (looking it up by name runs ``ldconfig``: 3 ms or more).
    _malloc_trim = ctypes.CDLL(None).malloc_trim
except (OSError, AttributeError):  # not glibc
    _malloc_trim = None


def give_back() -> None:
    """Return the free memory at the top and in the middle of the heap to the system (glibc only)."""
    if _malloc_trim is not None:
        _malloc_trim(0)
