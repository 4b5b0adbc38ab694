"""The kernel's state rows and compile.STATES name the same rows in the same order."""

from __future__ import annotations

from hito.engine import kernel
from hito.engine.compile import HELD_STATES, STATES


def test_kernel_rows_are_the_named_states() -> None:
    rows = {name: getattr(kernel, name.upper()) for name in STATES}
    assert rows == {name: i for i, name in enumerate(STATES)}
    assert len(STATES) == len(set(STATES))


def test_held_states_are_states_without_the_counters() -> None:
    assert set(HELD_STATES) <= set(STATES)
    assert "stranded" not in HELD_STATES  # the stranded are among the present
