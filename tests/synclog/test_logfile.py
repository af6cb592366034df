"""The reader's checks: unknown format, newer version, truncated, garbage and malformed lines
are refused with a clear message (and exit 2 from ``qbtime replay``) before anything is written."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from qbwc_server.cli import main
from qbwc_server.synclog import LogFileError, read_log
from tests.synclog.conftest import read_lines, write_lines


def _replay(tmp_path: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(tmp_path), "replay", *args])


def test_point_newer_version_is_refused_naming_both(recorded, tmp_path: Path) -> None:
    """A file of format version 2 is refused with both versions named; exit 2."""
    lines = read_lines(recorded.files[0])
    lines[0].update(version=2, server_version="9.0.0")
    path = write_lines(tmp_path / "newer.jsonl.gz", lines)
    with pytest.raises(LogFileError, match=r"newer qbtime-sync \(9\.0\.0, log format version 2\)"):
        read_log(path)
    result = _replay(tmp_path, str(path))
    assert result.exit_code == 2 and "reads version 1" in result.output


def test_point_unknown_format_is_refused(tmp_path: Path) -> None:
    """Another program's JSON Lines file is named as such."""
    path = write_lines(tmp_path / "other.jsonl.gz", [{"format": "something-else", "version": 1}])
    with pytest.raises(LogFileError, match="not a qbtime sync log .format 'something-else'"):
        read_log(path)


def test_point_truncated_file_fails_with_line_and_writes_nothing(recorded, tmp_path: Path) -> None:
    """A file cut short fails with the line number, exit 2, and the --db store stays empty."""
    data = recorded.files[0].read_bytes()
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(LogFileError, match=r"truncated or corrupt at line \d+"):
        read_log(path)
    db = tmp_path / "scratch.sqlite3"
    result = _replay(tmp_path, str(path), "--db", f"sqlite:///{db}")
    assert result.exit_code == 2 and "truncated" in result.output
    assert not db.exists()


def test_point_missing_exchanges_are_truncation(recorded, tmp_path: Path) -> None:
    """Whole lines missing at the end (a clean gzip) are reported as a truncated file."""
    lines = read_lines(recorded.files[0])
    path = write_lines(tmp_path / "short.jsonl.gz", lines[:-3])
    with pytest.raises(LogFileError, match=r"line \d+: the file ends after \d+ of \d+ exchanges"):
        read_log(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01garbage bytes", "truncated or corrupt at the start"),
        (gzip.compress(b"not json\n"), "not a qbtime sync log"),
        (gzip.compress(b""), "the file is empty"),
    ],
    ids=["not-gzip", "not-json", "empty"],
)
def test_point_garbage_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    """Bytes that are not a log file give one clear sentence and exit 2."""
    path = tmp_path / "garbage.gz"
    path.write_bytes(content)
    with pytest.raises(LogFileError, match=message):
        read_log(path)
    result = _replay(tmp_path, str(path))
    assert result.exit_code == 2


def test_point_bad_exchange_line_names_its_line(recorded, tmp_path: Path) -> None:
    """A hand-edited line that breaks the structure is named by its line number."""
    lines = read_lines(recorded.files[0])
    del lines[3]["params"]
    path = write_lines(tmp_path / "bad.jsonl.gz", lines)
    with pytest.raises(LogFileError, match="line 4: missing params"):
        read_log(path)
    lines = read_lines(recorded.files[0])
    lines[2]["seq"] = 1
    path = write_lines(tmp_path / "seq.jsonl.gz", lines)
    with pytest.raises(LogFileError, match="line 3: seq must be a number above 1"):
        read_log(path)


def test_point_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    """A path that does not exist is one line, exit 2."""
    result = _replay(tmp_path, str(tmp_path / "nope.jsonl.gz"))
    assert result.exit_code == 2 and "cannot be read" in result.output
