"""`hito run --calibration DIR`: what a calibration folder says of itself, read defensively."""

from __future__ import annotations

import pytest

from hito.cli.calibrated import own_counts


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, "{", "[]", '{"own_counts": "yes"}'],
    ids=["brackets-thousands-deep", "not-json", "a-list", "not-a-boolean"],
)
def test_a_hostile_calibration_json_means_no_own_counts_not_a_traceback(tmp_path, text):
    """Brackets thousands deep were a RecursionError out of `hito run --calibration`."""
    (tmp_path / "calibration.json").write_text(text)
    assert own_counts(tmp_path) is False


def test_a_folder_named_calibration_json_means_no_own_counts(tmp_path):
    (tmp_path / "calibration.json").mkdir()
    assert own_counts(tmp_path) is False
