"""regionatlas.output: atomic replacement of regular files, in-place writes to everything else."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from tests.output_targets import KINDS, special_target

from regionatlas.errors import ParameterError
from regionatlas.output import check_directory_target, is_regular_target, output_path


def _write(target: str | Path, text: str = "a,b\n1,2\n") -> None:
    with output_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def test_new_file_gets_the_umask_mode_not_0600(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "new.csv"
    old = os.umask(0o022)
    try:
        _write(target)
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "a,b\n1,2\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["new.csv"]  # no temporary left


def test_existing_file_is_replaced_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "old.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    _write(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "old.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), output_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("writer failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    _write(link, "new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("kind", KINDS)
def test_special_targets_are_written_in_place(
    kind: str, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    with special_target(kind, tmp_path) as target:
        assert not is_regular_target(target.path)
        _write(target.path, "x,y\n")
        assert target.still_special()
        if kind == "fifo":
            assert target.data == b"x,y\n"
    if kind == "stdout":
        assert capsysbinary.readouterr().out == b"x,y\n"
    assert not list(Path(tmp_path).glob(".*"))  # no temporary next to the target


def test_a_directory_or_socket_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="is a directory"):
        _write(tmp_path)
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(ParameterError, match="neither a regular file"):
            _write(path)
    assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_directory_targets_refuse_files_devices_and_stdout(tmp_path: Path) -> None:
    assert check_directory_target(tmp_path / "new") == tmp_path / "new"
    assert check_directory_target(tmp_path) == tmp_path
    (tmp_path / "f").write_text("x", encoding="utf-8")
    for bad in ("-", "/dev/null", str(tmp_path / "f")):
        with pytest.raises(ParameterError):
            check_directory_target(bad)
