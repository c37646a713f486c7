"""Keep a rendering process's memory bounded (the delivery service must stay under 150 MB).

Measured on the demo's 24 Mpixel JPEGs, nine renders two at a time: with libvips' and
glibc's defaults the process grew from ~100 MB to ~205 MB and stayed there; with
`bound_render_memory` it peaked at 143-168 MB, and `release_freed_memory` brought it back to
~100 MB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

import pyvips

M_ARENA_MAX = -8  # glibc's mallopt parameter number


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library, when it is one we can tune (glibc on Linux); None elsewhere."""
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name) if name else None


def bound_render_memory(malloc_arenas: int = 2) -> None:
    """Call once at start-up, before the render threads exist."""
    # Each rendition is made once and then served from disk: libvips' operation cache would
    # only keep decoded pixels alive (up to 100 MB by default).
    pyvips.cache_set_max(0)
    # Parallelism comes from the render pool (one render per worker, one worker per core);
    # libvips' own per-image threads would each hold a tile buffer for nothing.
    pyvips.concurrency_set(1)
    # glibc gives every thread that mallocs its own 64 MB arena and rarely returns freed
    # memory from them; render threads allocate large buffers, so share two arenas.
    libc = _glibc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(M_ARENA_MAX, malloc_arenas)


def release_freed_memory() -> None:
    """Give the pages a finished render freed back to the system (glibc `malloc_trim`).

    Without it the process keeps its peak (~200 MB after a few 24 Mpixel renders); with it,
    it returns to its size at start (~100 MB). Cheap: only called after a render.
    """
    libc = _glibc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
