"""Where a command's output goes: the one place that writes a file the user named.

``output_path(target)`` yields a temporary regular file to write the whole output to; when
the block ends without error the output appears under ``target``:

* a new path or an existing regular file: the temporary file (created next to it) is
  renamed over it, so nothing half-written ever shows under the final name; an existing
  file keeps its permissions, a new one gets 0666 minus the umask (as ``>`` would give);
  a symlink is followed, the link itself stays;
* ``-`` or ``/dev/stdout``: the bytes are copied to standard output;
* an existing character device (``/dev/null``, a terminal) or a FIFO: written in place.
  Such a path is never renamed over or deleted: an atomic write must never replace
  something that is not a regular file.

A directory, block device or socket is refused with a ParameterError. Directory outputs
(bundle, static export) check their target with ``check_directory_target``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from regionatlas.errors import ParameterError

STDOUT = "-"
_STDOUT_NAMES = {STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}


def writes_stdout(target: str | Path) -> bool:
    """Whether ``target`` means standard output (``-`` or ``/dev/stdout``)."""
    return str(target) in _STDOUT_NAMES


def _mode(target: str | Path) -> int | None:
    """st_mode of the path (symlinks followed), None when it does not exist."""
    try:
        return os.stat(target).st_mode
    except FileNotFoundError:
        return None


def is_regular_target(target: str | Path) -> bool:
    """Whether ``target`` is (or will be) a regular file: a new path or an existing file.

    Side files (e.g. a CSV's attribution file) are written only next to such targets."""
    if writes_stdout(target):
        return False
    mode = _mode(target)
    return mode is None or stat.S_ISREG(mode)


def _new_file_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _check_streamable(target: str | Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ParameterError(
            f"{target} is a directory", value=str(target), expected="a file name, '-' or a FIFO"
        )
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        raise ParameterError(
            f"{target} is neither a regular file, a character device nor a FIFO",
            value=str(target),
            expected="a file name, '-', a character device or a FIFO",
        )


@contextlib.contextmanager
def output_path(target: str | Path, *, suffix: str | None = None) -> Iterator[Path]:
    """A temporary regular file to write the whole output to (see the module docstring).

    ``suffix`` is the temporary file's suffix (default: the target's), for libraries that
    pick a format from it."""
    if writes_stdout(target):
        with _streamed(None, suffix or "") as tmp:
            yield tmp
        return
    path = Path(target)
    mode = _mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        _check_streamable(path, mode)
        with _streamed(path, suffix if suffix is not None else path.suffix) as tmp:
            yield tmp
        return
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    real.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{real.name}.",
        suffix=suffix if suffix is not None else real.suffix,
        dir=real.parent,
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # set after writing: a library may have replaced the temporary file
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else _new_file_mode())
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _streamed(device: Path | None, suffix: str) -> Iterator[Path]:
    """Write to a temporary file elsewhere, then copy it to ``device`` (None: stdout)."""
    fd, name = tempfile.mkstemp(prefix=".regionatlas-output.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as src:
            if device is None:
                sys.stdout.flush()
                shutil.copyfileobj(src, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            else:
                # "wb" on a character device or FIFO writes in place; it is never renamed
                with open(device, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    finally:
        tmp.unlink(missing_ok=True)


def check_directory_target(target: str | Path) -> Path:
    """A directory output's target: a new path or an existing directory, nothing else."""
    if writes_stdout(target):
        raise ParameterError(
            "this command writes a folder, not a stream", value=str(target), expected="a folder"
        )
    path = Path(target)
    if (path.exists() or path.is_symlink()) and not path.is_dir():
        raise ParameterError(
            f"{path} exists and is not a directory",
            value=str(path),
            expected="a new or existing folder",
        )
    return path
