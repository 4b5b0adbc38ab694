"""Write a run as Flee's ``out.csv``, so Flee's post-processing tools read it unchanged.

Columns and values follow Flee 3.1's ``runscripts/run.py``: ``Day,Date``, then
``<camp> sim,<camp> data,<camp> error`` for each camp (error = |sim/data - 1| rounded to
4 digits, 0 where data is 0, as ``flee/postprocessing/analysis.py rel_error``), then
``Total error`` (sum of absolute camp errors / raw UNHCR count), ``refugees in camps
(UNHCR)``, ``total refugees (simulation)``, ``raw UNHCR refugee count``, ``refugees in
camps (simulation)`` and ``refugee_debt``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hito.flee.compile import FleeCompiled
    from hito.flee.run import FleeResult

TAIL = (
    "Total error,refugees in camps (UNHCR),total refugees (simulation),"
    "raw UNHCR refugee count,refugees in camps (simulation),refugee_debt"
)


def _rel(sim: float, data: float) -> float:
    return 0.0 if data < 0.00001 else round(abs(sim / data - 1.0), 4)


def write_out_csv(path: Path, res: FleeResult, c: FleeCompiled) -> None:
    """Write one run's daily camp counts against the data in Flee's out.csv layout."""
    head = "Day,Date," + "".join(f"{n} sim,{n} data,{n} error," for n in res.camps) + TAIL
    lines = [head]
    for t in range(res.sim.shape[0]):
        date = (res.start + dt.timedelta(days=t)).isoformat()
        cells = [str(t), date]
        abs_sum = 0.0
        for j in range(len(res.camps)):
            s, d = int(res.sim[t, j]), int(res.data[t, j])
            abs_sum += round(abs(s - d), 4)
            cells += [str(s), str(d), str(_rel(s, d))]
        raw = int(res.raw_total[t])
        if raw > 0:
            cells += [
                str(abs_sum / raw),
                str(int(res.data[t].sum())),
                str(int(res.agents[t])),
                str(raw),
                str(int(res.sim[t].sum())),
                str(int(res.debt[t])),
            ]
        else:
            cells += ["0", "0", "0", "0", "0", "0"]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
