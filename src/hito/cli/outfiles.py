"""A command's output files: written under temporary names, put in place together when all are.

A full disk or a failed render midway leaves the folder as it was (no new table beside an old
report), and the error names the file being written: an OSError of a write names no file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa


class OutputSet:
    """The files of one command's output folder, staged until the set is complete."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.staged: list[tuple[Path, Path]] = []  # (temporary name, final name)
        self.dropped: list[Path] = []

    def _stage(self, name: str) -> tuple[Path, Path]:
        final = self.folder / name
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
        os.close(fd)
        self.staged.append((Path(tmp), final))
        return Path(tmp), final

    def write_bytes(self, name: str, data: bytes) -> None:
        """The file `name` with these bytes."""
        tmp, final = self._stage(name)
        with located(final):
            tmp.write_bytes(data)

    def write_parquet(self, name: str, frames: Iterable[pl.DataFrame], schema: pa.Schema) -> None:
        """The Parquet file `name`, one row group per frame (bounded memory)."""
        import pyarrow.parquet as pq

        tmp, final = self._stage(name)
        with located(final), pq.ParquetWriter(tmp, schema) as writer:
            for frame in frames:
                writer.write_table(frame.to_arrow().cast(schema))

    def drop(self, name: str) -> None:
        """Remove the file `name` (left by an earlier command) when the set is put in place."""
        self.dropped.append(self.folder / name)


@contextmanager
def output_set(folder: Path) -> Iterator[OutputSet]:
    """The files written in the block, put in place when it ends; none of them if it fails."""
    folder.mkdir(parents=True, exist_ok=True)
    files = OutputSet(folder)
    try:
        yield files
        mask = os.umask(0)
        os.umask(mask)
        for tmp, final in files.staged:  # renames within one folder: they take no room
            os.chmod(tmp, 0o666 & ~mask)
            os.replace(tmp, final)
    except BaseException:  # a failure, or Ctrl-C while placing: no temporary file left
        for tmp, _ in files.staged:
            tmp.unlink(missing_ok=True)
        raise
    written = {final for _, final in files.staged}
    for path in files.dropped:
        if path not in written:
            path.unlink(missing_ok=True)


@contextmanager
def located(path: Path) -> Iterator[None]:
    """An OSError of a write that names no file (a full disk) named after `path`."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary name so a reader never sees half of it."""
    with output_set(path.parent) as files:
        files.write_bytes(path.name, data)


def write_parquet_frames(path: Path, frames: Iterable[pl.DataFrame], schema: pa.Schema) -> None:
    """Write frames as row groups of one Parquet file (bounded memory), then rename into place."""
    with output_set(path.parent) as files:
        files.write_parquet(path.name, frames, schema)
