"""Index files read in place from their memory map, not copied into the process.

Whoosh maps each segment's compound file into memory and hands out its parts as `BufferFile`s,
each of which wraps its part in a `BytesIO` — a copy. Every searcher opened after a commit copied
every part it touched again: about 104 MB at 100,000 courses (the stored cards, the postings, the
terms), and 60–80 ms per commit. `ViewFile` reads the same bytes straight from the map, so pages
that are never read are never loaded and the kernel shares them between searchers and processes.

`install()` makes Whoosh's `BufferFile` use it; `finder.search.index` calls it once on import.
"""

from __future__ import annotations

import contextlib
import mmap
import os

from whoosh.filedb import structfile


class ViewFile:
    """A read-only file over a memoryview: read, readline, seek and tell, without a copy."""

    __slots__ = ("_view", "_position")

    def __init__(self, view) -> None:
        self._view = view if isinstance(view, memoryview) else memoryview(view)
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._position = max(start, end)
        return bytes(self._view[start:end])

    def readline(self, size: int | None = -1) -> bytes:
        start = self._position
        limit = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        end = start
        while end < limit:
            chunk = bytes(self._view[end:min(limit, end + 256)])
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        self._position = end
        return bytes(self._view[start:end])

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._position
        elif whence == os.SEEK_END:
            offset += len(self._view)
        if offset < 0:
            raise ValueError("negative seek position")
        self._position = offset
        return offset

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view = memoryview(b"")  # the map itself is Whoosh's to close


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    self._buf = buf
    self._name = name
    self.file = ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def release_pages(searcher) -> None:
    """Unmap the pages of a searcher's segment files that warming read (rows, title order: every
    document's columns) and that live on in arrays now: they stay in the kernel's page cache, shared
    and reclaimable, and are mapped again page by page when next read. At 100,000 courses about 100 MB
    of the serving process's resident memory were these pages."""
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is None:
        return
    for leaf, _offset in searcher.leaf_searchers():
        storage = getattr(leaf.reader(), "_storage", None)
        # A compound segment's storage is an OverlayStorage of its CompoundStorage (which holds the map)
        # and the index directory.
        for part in (storage, getattr(storage, "a", None), getattr(storage, "b", None)):
            source = getattr(part, "_source", None)
            if isinstance(source, mmap.mmap):
                with contextlib.suppress(ValueError, OSError):  # closed meanwhile: nothing mapped
                    source.madvise(advice)


def install() -> None:
    structfile.BufferFile.__init__ = _buffer_file_init
