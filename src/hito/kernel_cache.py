"""Where numba keeps the compiled kernels: a folder named by the digest of every kernel source.

numba keys a cached function by its own file only, so a kernel whose callee in another file
changed would go on running the old compiled callee (seen with the Flee cohort kernels after
a `git pull` in an editable install). Naming the cache folder by the digest of all kernel
sources makes any change start a fresh cache. `hito/__init__.py` sets it before numba loads.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# every module that compiles with numba (a test checks that none is missing)
KERNEL_SOURCES = (
    "engine/kernel.py",
    "flee/cohortdraws.py",
    "flee/cohortmove.py",
    "flee/cohortrun.py",
    "flee/cohorts.py",
    "flee/cohortsolo.py",
    "flee/cohortstate.py",
    "flee/kernel.py",
    "flee/schedule.py",
)


def digest(paths: Iterable[Path]) -> str:
    """A short digest of the files' names and contents (a missing file counts as empty)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0")
        h.update(p.read_bytes() if p.is_file() else b"")
    return h.hexdigest()[:16]


def cache_dir(package: Path = PACKAGE) -> Path:
    """The cache folder for these kernel sources: beside the package when it is writable."""
    name = f"numba-{digest(package / s for s in KERNEL_SOURCES)}"
    base = package / "__pycache__"
    if os.access(package, os.W_OK):
        return base / name
    return Path(tempfile.gettempdir()) / f"hito-{os.getuid()}" / name


def configure() -> None:
    """Point numba's cache at `cache_dir()` unless the user chose a folder (NUMBA_CACHE_DIR)."""
    os.environ.setdefault("NUMBA_CACHE_DIR", str(cache_dir()))


def cached(function: str, root: Path | None = None) -> bool:
    """Whether numba's cache holds ``function`` compiled ("flee/cohortrun.run_days": folder/name).

    numba keeps a kernel's compiled code in ``<source folder>_<digest>/<module>.<name>-<line>``
    files under the cache folder; a kernel missing there compiles at its first call.
    """
    folder, name = function.split("/")
    base = root or Path(os.environ.get("NUMBA_CACHE_DIR") or cache_dir())
    return any(base.glob(f"{folder}_*/{name}-*.nbi"))
