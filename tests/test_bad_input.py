"""The analysts' commands given bad input: one line on stderr, a documented exit code, and no file written
that the command only reads."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from potus_crawler import __version__, export, storage
from potus_crawler.cli import EXIT_USAGE, EXIT_LOCKED, main
from potus_crawler.storage import ArticleStore
from test_storage import make_record

README = Path(__file__).parent.parent / "README.md"


def crawl_database(path: Path, articles: int = 40) -> Path:
    """A database as a crawl leaves it (WAL mode), with enough articles that their table spans pages."""
    store = ArticleStore(path)
    for number in range(articles):
        store.save_article(make_record(url=f"https://potusnews.news/post-{number}/", body=f"Text {number}. " * 300))
    store.close()
    return path


def in_rollback_journal_mode(path: Path) -> Path:
    """The same database without WAL: every read goes to the file, and an exclusive lock bars readers."""
    with sqlite3.connect(path) as connection:
        connection.execute("pragma journal_mode = delete")
    connection.close()
    return path


def damaged_database(path: Path) -> Path:
    """A crawl database whose ``articles`` table has its root page overwritten: it opens, its schema reads,
    and the first query of articles fails with SQLITE_CORRUPT."""
    in_rollback_journal_mode(crawl_database(path))
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("pragma page_size").fetchone()[0]
        root = connection.execute("select rootpage from sqlite_master where name = 'articles'").fetchone()[0]
    connection.close()
    with open(path, "r+b") as file:
        file.seek((root - 1) * page_size)
        file.write(b"\xff" * page_size)
    return path


def foreign_database(path: Path) -> Path:
    """Another program's SQLite file."""
    with sqlite3.connect(path) as connection:
        connection.execute("create table notes (text)")
        connection.execute("insert into notes values ('keep me')")
    connection.close()
    return path


def run_cli(*arguments: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "potus_crawler.cli", *arguments], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


def assert_one_line(result: subprocess.CompletedProcess, exit_code: int, command: str, *phrases: str) -> str:
    """The run exited with ``exit_code`` having printed one line on stderr, prefixed, holding every phrase."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode == exit_code, result.stderr
    assert lines[0].startswith(f"potus-crawler {command}: ")
    for phrase in phrases:
        assert phrase in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def crawl_db(tmp_path_factory) -> Path:
    return crawl_database(tmp_path_factory.mktemp("crawl") / "crawl.db")


# -- bad databases --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["stats"], ["search", "tariffs"], ["export"]])
def test_a_file_that_is_no_database_is_said_in_one_line(command):
    result = run_cli(*command, "--db", str(README))
    assert_one_line(result, EXIT_USAGE, command[0], f"{README} is no potus-crawler database",
                    "file is not a database")


def test_an_empty_file_is_said_in_one_line(tmp_path):
    (tmp_path / "empty.db").touch()
    result = run_cli("stats", "--db", str(tmp_path / "empty.db"))
    assert_one_line(result, EXIT_USAGE, "stats", "empty.db is empty: no crawl has written it")


def test_another_programs_database_is_said_in_one_line(tmp_path):
    result = run_cli("report", "--db", str(foreign_database(tmp_path / "notes.db")), "--out", str(tmp_path / "r.html"))
    assert_one_line(result, EXIT_USAGE, "report", "notes.db is no potus-crawler database")
    assert not (tmp_path / "r.html").exists()


def test_a_missing_database_is_said_in_one_line_with_exit_code_2(tmp_path):
    result = run_cli("stats", "--db", str(tmp_path / "none.db"))
    assert_one_line(result, EXIT_USAGE, "stats", f"no database at {tmp_path / 'none.db'}", "run a crawl first")
    assert not (tmp_path / "none.db").exists()


def test_without_db_after_the_demo_the_message_names_the_demos_database(tmp_path):
    """A user who just ran the demo has data/demo.db and no data/potus.db: say which --db to give."""
    (tmp_path / "data").mkdir()
    crawl_database(tmp_path / "data" / "demo.db", articles=1)
    env = {name: value for name, value in os.environ.items() if name != "POTUS_DB"}
    result = run_cli("stats", cwd=tmp_path, env=env)
    assert_one_line(result, EXIT_USAGE, "stats", "no database at data/potus.db", "--db data/demo.db")


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "csv"]])
def test_a_damaged_page_met_half_way_is_said_in_one_line(tmp_path, command):
    result = run_cli(*command, "--db", str(damaged_database(tmp_path / "damaged.db")))
    assert_one_line(result, EXIT_USAGE, command[0], "damaged.db", "database disk image is malformed")


ANALYST_COMMANDS = {
    "stats": [],
    "search": ["tariffs"],
    "export": ["--out", "{tmp}/out.jsonl"],
    # The database is refused before anything listens; were it not, nothing could listen at a TEST-NET address.
    "serve": ["--host", "192.0.2.1"],
    "report": ["--out", "{tmp}/report.html"],
}


@pytest.mark.parametrize("command", list(ANALYST_COMMANDS))
@pytest.mark.parametrize("make_file", [Path.touch, foreign_database], ids=["empty", "foreign"])
def test_a_refused_database_keeps_its_bytes_and_time_and_gets_no_wal(tmp_path, capsys, command, make_file):
    """Readers are read-only: an empty file or another program's database is refused, never given our schema."""
    db = tmp_path / "x.db"
    make_file(db)
    before, modified = db.read_bytes(), db.stat().st_mtime_ns
    arguments = [argument.format(tmp=tmp_path) for argument in ANALYST_COMMANDS[command]]
    assert main([command, *arguments, "--db", str(db)]) == EXIT_USAGE
    assert capsys.readouterr().err.count("\n") == 1
    assert db.read_bytes() == before and db.stat().st_mtime_ns == modified
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x.db"]


# -- locked databases -----------------------------------------------------------------------------------


def test_a_database_locked_exclusively_gives_the_lock_code_after_the_busy_timeout(tmp_path):
    db = in_rollback_journal_mode(crawl_database(tmp_path / "locked.db", articles=1))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("begin exclusive")
    try:
        result = run_cli("stats", "--db", str(db))
    finally:
        holder.close()
    assert_one_line(result, EXIT_LOCKED, "stats", "locked.db is locked by another process", "try again later")


def test_a_database_in_exclusive_locking_mode_gives_the_lock_code(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_SECONDS", 0.1)
    db = crawl_database(tmp_path / "locked.db", articles=1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("pragma locking_mode = exclusive")
    holder.execute("begin exclusive")
    holder.execute("commit")  # the lock outlives the transaction in this mode
    try:
        assert main(["export", "--db", str(db), "--out", str(tmp_path / "out.jsonl")]) == EXIT_LOCKED
    finally:
        holder.close()
    assert "locked.db is locked by another process" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


# -- outputs that cannot be written ---------------------------------------------------------------------


@pytest.mark.parametrize("out, reason", [
    ("{tmp}/missing/out.jsonl", "No such file or directory"),
    ("{tmp}", "Is a directory"),
    ("{tmp}/file.txt/out.jsonl", "Not a directory"),
    ("/dev/full", "No space left on device"),
])
def test_an_export_that_cannot_be_written_is_said_in_one_line(crawl_db, tmp_path, out, reason):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    out = out.format(tmp=tmp_path)
    result = run_cli("export", "--db", str(crawl_db), "--out", out)
    assert_one_line(result, EXIT_USAGE, "export", f"cannot write {out}: {reason}")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["file.txt"]


def test_an_export_to_a_full_standard_output_is_said_in_one_line(crawl_db):
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "potus_crawler.cli", "export", "--db", str(crawl_db)],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert_one_line(result, EXIT_USAGE, "export", "cannot write standard output: No space left on device")


def test_a_report_that_cannot_be_written_is_said_in_one_line(crawl_db, tmp_path):
    result = run_cli("report", "--db", str(crawl_db), "--out", str(tmp_path / "missing" / "report.html"))
    assert_one_line(result, EXIT_USAGE, "report", "cannot write", "No such file or directory")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_an_export_into_a_read_only_folder_is_said_in_one_line(crawl_db, tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    result = run_cli("export", "--db", str(crawl_db), "--out", str(folder / "out.jsonl"))
    assert_one_line(result, EXIT_USAGE, "export", "Permission denied")
    assert list(folder.iterdir()) == []


def test_a_failed_export_keeps_the_previous_file_and_leaves_no_part(crawl_db, tmp_path, capsys, monkeypatch):
    out = tmp_path / "articles.jsonl"
    assert main(["export", "--db", str(crawl_db), "--out", str(out)]) == 0
    previous = out.read_bytes()

    def write_until_the_disk_fills(db, stream, *format_and_filters):
        stream.write("{}\n" * 10)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(export, "write", write_until_the_disk_fills)
    capsys.readouterr()
    assert main(["export", "--db", str(crawl_db), "--out", str(out)]) == EXIT_USAGE
    assert capsys.readouterr().err == f"potus-crawler export: cannot write {out}: No space left on device\n"
    assert out.read_bytes() == previous and list(tmp_path.iterdir()) == [out]


def test_an_export_over_the_database_it_reads_is_refused(crawl_db, capsys):
    before = crawl_db.read_bytes()
    assert main(["export", "--db", str(crawl_db), "--out", str(crawl_db)]) == EXIT_USAGE
    assert "it is the database this command reads" in capsys.readouterr().err
    assert crawl_db.read_bytes() == before


# -- options --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("arguments, message", [
    (["serve", "--port", "0"], "argument --port: at least 1, got 0"),
    (["serve", "--port", "65536"], "argument --port: at most 65535, got 65536"),
    (["serve", "--port", "http"], "argument --port: not a whole number: 'http'"),
    (["stats", "--db", ""], "argument --db: an empty path names no file"),
    (["export", "--out", ""], "argument --out: an empty path names no file"),
    (["report", "--out", ""], "argument --out: an empty path names no file"),
])
def test_bad_options_are_argparse_errors(arguments, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == EXIT_USAGE and message in capsys.readouterr().err


def test_version_is_the_packages(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0 and capsys.readouterr().out == f"potus-crawler {__version__}\n"


def help_text(capsys, *arguments: str) -> str:
    with pytest.raises(SystemExit):
        main([*arguments, "--help"])
    return capsys.readouterr().out


def test_the_top_level_help_is_plain_text_with_the_exit_codes(capsys):
    text = help_text(capsys)
    assert "``" not in text and ":func:" not in text
    assert "exit codes:" in text
    assert "2 bad input" in text and "75 another process holds a lock on the database" in text


@pytest.mark.parametrize("command", ["stats", "export", "serve", "report"])
def test_every_option_of_an_analysts_command_says_its_default(capsys, command):
    options = help_text(capsys, command).split("options:\n", 1)[1]
    # One entry per option: its name at two spaces' indent, its help on the same and the following lines.
    entries = [entry for entry in ("\n" + options).split("\n  -") if entry.strip()]
    assert len(entries) > 1
    for entry in entries:
        if not entry.startswith("h, --help"):
            assert "(default: " in " ".join(entry.split()) or "(required" in entry, entry


def test_a_seeds_file_that_is_not_utf8_text_is_refused_in_one_line_before_any_request(tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_bytes("https://potusnews.news/category/política/\n".encode("latin-1"))
    db = tmp_path / "potus.db"
    result = run_cli("crawl", "--db", str(db), "--base-url", "http://127.0.0.1:9", "-s", f"POTUS_SEEDS={seeds}")
    assert_one_line(result, 2, "crawl", f"setting POTUS_SEEDS='{seeds}' is not allowed",
                    "a readable UTF-8 file of start URLs (it is not UTF-8 text)")
