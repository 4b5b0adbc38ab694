"""The names of the files a calibration (`hito calibrate`) leaves in its forecast's folder."""

from __future__ import annotations

STATE_FILE = "posterior.npz"  # the posterior itself: `hito run --calibration DIR` starts from it
POSTERIOR_TABLE = "posterior.parquet"  # the numbers each particle drew
PRIOR_TABLE = "prior.parquet"  # the numbers drawn before any count
CALIBRATION_FACTS = "calibration.json"  # effective sample size per count date, skipped rows
CALIBRATION_PAGE = "calibration.html"  # calibrated bands with the counts, prior against posterior
COUNT_QUANTILES = "count_quantiles.parquet"  # what a field count would say

# every one of them: left in a folder a later forecast is written to, they would sit beside a
# report that did not come from them
CALIBRATION_FILES = (
    STATE_FILE,
    POSTERIOR_TABLE,
    PRIOR_TABLE,
    CALIBRATION_FACTS,
    CALIBRATION_PAGE,
    COUNT_QUANTILES,
)
