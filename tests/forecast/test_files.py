"""The files a calibration leaves in a folder: one list, read by every command that cleans or
reads such a folder, with the names earlier versions wrote."""

from __future__ import annotations

import pytest

from hito.errors import InputError
from hito.forecast.files import CALIBRATION_FILES, STATE_FILE
from hito.forecast.posterior import load

pytestmark = pytest.mark.usefixtures("english_reader")  # what errors say, in English


def test_the_calibration_files_keep_the_names_earlier_versions_wrote() -> None:
    """A folder written by an earlier `hito calibrate` is read and cleaned by these names."""
    assert STATE_FILE == "posterior.npz"
    assert CALIBRATION_FILES == (
        "posterior.npz",
        "posterior.parquet",
        "prior.parquet",
        "calibration.json",
        "calibration.html",
        "count_quantiles.parquet",
    )


def test_a_posterior_is_looked_for_under_the_state_files_name(tmp_path) -> None:
    with pytest.raises(InputError) as missing:
        load(tmp_path)
    assert missing.value.problems == [
        f"{tmp_path}: no posterior.npz here; expected a folder written by `hito calibrate`"
    ]
    (tmp_path / STATE_FILE).write_bytes(b"junk\n")
    with pytest.raises(InputError) as damaged:
        load(tmp_path)
    assert damaged.value.problems == [
        f"{tmp_path / 'posterior.npz'}: not a posterior file; expected the posterior.npz that "
        "`hito calibrate` writes (a damaged or other file: run hito calibrate again)"
    ]
