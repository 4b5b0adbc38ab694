"""Compiled kernels are cached by the digest of every kernel source, not each file alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hito import kernel_cache

SRC = Path(kernel_cache.__file__).resolve().parent


def test_every_module_that_compiles_with_numba_is_a_kernel_source() -> None:
    # numba itself, or the cohort ruleset's decorator (hito.flee.cohortdraws.no_refcounts)
    uses = {
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if re.search(r"import numba|no_refcounts\b", p.read_text(encoding="utf-8"))
    }
    assert uses == set(kernel_cache.KERNEL_SOURCES)


def test_a_change_in_any_kernel_source_names_a_new_cache_folder(tmp_path: Path) -> None:
    for name in kernel_cache.KERNEL_SOURCES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    before = kernel_cache.cache_dir(tmp_path)
    assert before == kernel_cache.cache_dir(tmp_path)  # the same sources, the same folder
    assert before.parent == tmp_path / "__pycache__"
    (tmp_path / "flee/cohorts.py").write_text("x = 2\n")  # a callee of cohortrun changes
    after = kernel_cache.cache_dir(tmp_path)
    assert after != before and after.name.startswith("numba-")


def test_importing_hito_points_numba_at_that_folder_unless_the_user_chose_one() -> None:
    code = "import hito, numba.core.config as c; print(c.CACHE_DIR)"
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == str(kernel_cache.cache_dir()), out.stderr
    env["NUMBA_CACHE_DIR"] = "/tmp/mine"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "/tmp/mine", out.stderr


def test_cached_looks_for_the_kernels_index_file_in_its_source_folder(tmp_path: Path) -> None:
    assert not kernel_cache.cached("flee/kernel.day", tmp_path)
    (tmp_path / "engine_0a1b").mkdir()
    (tmp_path / "engine_0a1b" / "kernel.day-12.py311.nbi").write_bytes(b"")
    assert not kernel_cache.cached("flee/kernel.day", tmp_path)  # engine's kernel, not Flee's
    (tmp_path / "flee_9f8e").mkdir()
    (tmp_path / "flee_9f8e" / "kernel.day_more-40.py311.nbi").write_bytes(b"")
    assert not kernel_cache.cached("flee/kernel.day", tmp_path)  # another function
    (tmp_path / "flee_9f8e" / "kernel.day-40.py311.nbc").write_bytes(b"")
    assert not kernel_cache.cached("flee/kernel.day", tmp_path)  # code without its index
    (tmp_path / "flee_9f8e" / "kernel.day-40.py311.nbi").write_bytes(b"")
    assert kernel_cache.cached("flee/kernel.day", tmp_path)
    assert kernel_cache.cached("engine/kernel.day", tmp_path)
