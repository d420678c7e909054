"""Output targets that are not regular files, for the tests of every command that writes one.

``special_target(kind, tmp_path)`` gives a path of one kind and, after the command ran,
what was written to it and whether it is still what it was:

* ``fifo``: a FIFO in tmp_path with a reader thread;
* ``chardev``: a character device made in tmp_path with the numbers of /dev/null (1, 3),
  so a command that wrongly replaced it replaces only this copy (needs root, else skipped);
* ``devnull``: the real /dev/null, only used by commands whose writes go through
  regionatlas.output (which never renames over a non-regular file); checked afterwards;
* ``stdout``: ``-``, captured by CliRunner.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

KINDS = ("fifo", "chardev", "devnull", "stdout")


@dataclass
class Target:
    kind: str
    path: str
    received: list[bytes] = field(default_factory=list)
    reader: threading.Thread | None = None

    def still_special(self) -> bool:
        """The path is still the FIFO / character device it was (never replaced)."""
        if self.kind == "stdout":
            return True
        mode = os.lstat(self.path).st_mode
        return stat.S_ISFIFO(mode) if self.kind == "fifo" else stat.S_ISCHR(mode)

    @property
    def data(self) -> bytes:
        """What the FIFO's reader got (waits for the writer to close it)."""
        if self.reader is not None:
            self.reader.join(timeout=30)
        return b"".join(self.received)


def _read_fifo(path: str, sink: list[bytes]) -> None:
    with open(path, "rb") as fh:
        sink.append(fh.read())


@contextlib.contextmanager
def special_target(kind: str, tmp_path: Path) -> Iterator[Target]:
    if kind == "stdout":
        yield Target(kind, "-")
        return
    if kind == "devnull":
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
        target = Target(kind, "/dev/null")
        try:
            yield target
        finally:
            assert stat.S_ISCHR(os.lstat("/dev/null").st_mode), "/dev/null was replaced"
        return
    path = tmp_path / f"target-{kind}"
    if kind == "chardev":
        if os.geteuid() != 0:
            pytest.skip("making a character device needs root")
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        yield Target(kind, str(path))
        return
    os.mkfifo(path)
    target = Target(kind, str(path))
    reader = threading.Thread(target=_read_fifo, args=(str(path), target.received), daemon=True)
    target.reader = reader
    reader.start()
    try:
        yield target
    finally:
        if reader.is_alive():  # the command never opened the FIFO: let the reader finish
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=30)
        assert not reader.is_alive()


def written(target: Target, result) -> bytes:
    """What the command wrote to the target (stdout: CliRunner's captured stdout)."""
    return result.stdout_bytes if target.kind == "stdout" else target.data
