"""The warm-up while the server starts: what the first page needs is loaded before it is asked."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from hito import i18n
from hito.scenario.load import builtin_names, shared
from hito.web import warm_up
warm_up()
env = i18n.environment(("hito.web", "hito.report"), "es", i18n.DEFAULT_ZONE)
names = env.list_templates(extensions=("j2",))
print(json.dumps({
    "libraries": [m for m in ("scoringrules", "scipy.stats") if m in sys.modules],
    "scenarios": [shared.cache_info().currsize, len(builtin_names())],
    "templates": [len(set(names) & {k[1] for k in env.cache.keys()}), len(names)],
}))
"""


def test_the_warm_up_loads_every_template_the_scenarios_and_the_scores_libraries() -> None:
    """In a fresh process: the first overview after a start parsed the scenario, compiled the
    templates it includes and imported scipy.stats (about 1 s on the first visitor)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300, check=True
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["libraries"] == ["scoringrules", "scipy.stats"]
    assert got["scenarios"][0] == got["scenarios"][1] >= 2
    assert got["templates"][1] > 10 and got["templates"][0] == got["templates"][1]
