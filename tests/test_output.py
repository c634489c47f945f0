"""Output files written whole or not at all: replaced by rename, written directly when no regular file."""

from __future__ import annotations

import os
import threading

import pytest

from potus_crawler.output import OutputUnwritable, output_file


def test_a_file_is_replaced_whole_and_keeps_its_permissions(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    out.chmod(0o600)
    with output_file(out, tmp_path / "crawl.db") as stream:
        stream.write("new\n")
        assert out.read_text() == "old\n"  # nothing replaced before the block ends
    assert out.read_text() == "new\n" and out.stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [out]


def test_a_block_that_fails_replaces_nothing_and_leaves_no_part(tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    with pytest.raises(ZeroDivisionError):
        with output_file(out, tmp_path / "crawl.db") as stream:
            stream.write("half")
            1 / 0
    assert out.read_text() == "old\n" and list(tmp_path.iterdir()) == [out]


def test_a_link_stays_a_link_to_the_replaced_file(tmp_path):
    (tmp_path / "real.jsonl").write_text("old\n")
    (tmp_path / "link.jsonl").symlink_to("real.jsonl")
    with output_file(tmp_path / "link.jsonl", tmp_path / "crawl.db") as stream:
        stream.write("new\n")
    assert (tmp_path / "link.jsonl").is_symlink() and (tmp_path / "real.jsonl").read_text() == "new\n"


def test_a_fifo_is_written_directly_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    with output_file(fifo, tmp_path / "crawl.db") as stream:
        stream.write("line\n")
    reader.join(timeout=10)
    assert received == ["line\n"] and fifo.is_fifo()


def test_the_file_being_read_is_never_written(tmp_path):
    db = tmp_path / "crawl.db"
    db.write_bytes(b"SQLite format 3\x00")
    (tmp_path / "same.db").hardlink_to(db)
    with pytest.raises(OutputUnwritable, match="cannot write .*same.db: it is the database this command reads"):
        with output_file(tmp_path / "same.db", db):
            pass
    assert db.read_bytes() == b"SQLite format 3\x00"
