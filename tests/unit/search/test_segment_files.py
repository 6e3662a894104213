"""Index files are read in place from their memory map: the same bytes as a copy would give."""

from __future__ import annotations

import io
import os
import random

from whoosh.filedb import structfile

from finder.search import index  # noqa: F401  (installs the view files)
from finder.search.segment_files import ViewFile


def test_a_view_file_reads_seeks_and_tells_as_a_copy_does():
    rng = random.Random(3)
    data = bytes(rng.choice(b"ab\ncd") for _ in range(5000))
    view, copy = ViewFile(memoryview(data)), io.BytesIO(data)
    for _ in range(2000):
        action = rng.choice(("read", "readline", "seek", "seek-cur", "seek-end"))
        if action == "read":
            size = rng.choice((-1, None, 0, 1, 7, 300, 6000))
            assert view.read(size) == copy.read(size)
        elif action == "readline":
            size = rng.choice((-1, 0, 3, 400))
            assert view.readline(size) == copy.readline(size)
        elif action == "seek":
            where = rng.randrange(0, 5200)
            assert view.seek(where) == copy.seek(where)
        elif action == "seek-cur":
            step = rng.randrange(0, 50)
            assert view.seek(step, os.SEEK_CUR) == copy.seek(step, os.SEEK_CUR)
        else:
            back = -rng.randrange(0, 100)
            assert view.seek(back, os.SEEK_END) == copy.seek(back, os.SEEK_END)
        assert view.tell() == copy.tell()


def test_whooshs_buffer_files_are_views_not_copies():
    data = bytearray(b"segment bytes\nmore")
    part = structfile.BufferFile(memoryview(data), name="part")
    assert isinstance(part.file, ViewFile)
    assert part.read(7) == b"segment"
    data[0:7] = b"SEGMENT"  # the same memory: a copy would not see this
    part.seek(0)
    assert part.readline() == b"SEGMENT bytes\n"


def test_searches_after_warming_released_the_mapped_pages_find_the_same(fixture_catalogue):
    from finder.search.params import SearchQuery
    from finder.search.segment_files import release_pages

    services = fixture_catalogue
    queries = [SearchQuery(q="english"), SearchQuery(q="club", creche="1"), SearchQuery(levels=("entry-1",))]
    before = [[hit.course_id for hit in services.search.search(q).hits] for q in queries]
    services.search.store.close()
    services.search.store.warm()  # ends by releasing what it read
    with services.search.store.reading() as searcher:
        release_pages(searcher)  # and again: harmless
    # The same searcher, its pages released; nothing kept since `close`, so every page is found afresh.
    assert [[hit.course_id for hit in services.search.search(q).hits] for q in queries] == before
