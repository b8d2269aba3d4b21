"""The cyclic garbage collector held while a long run builds millions of rows that make no
cycles: each row's dicts and tuples are freed by their reference counts, and the collector's
full passes over every object of the program cost seconds — some 2 s of a region exchange
book's 30 s load, and a third of the pairs tab's opening at region scale."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the collector for the block (as it was before, after it: a nested pause or one
    already disabled stays so)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
