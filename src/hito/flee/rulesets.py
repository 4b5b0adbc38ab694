"""The per-agent ruleset's state (the reference); the cohort ruleset runs in ``cohortrun``."""

from __future__ import annotations

from typing import Any

import numpy as np

from hito.errors import InputError, not_one_of
from hito.flee import kernel
from hito.flee.compile import FleeCompiled
from hito.flee.schedule import MAX_HOPS

RULESETS = ("agents", "cohorts")


class Agents:
    """One row per person (``hito.flee.kernel``): the reference ruleset."""

    def __init__(self, c: FleeCompiled, rng: np.random.Generator):
        mr = c.settings.move_rules
        self.rng = rng
        n = len(c.names)
        total = int(c.initial.sum() + c.new_refs.sum())
        # One row per agent (fields side by side, so a moving agent costs few cache lines);
        # the two fields every day scans for everybody are kept apart, contiguous.
        hops = min(MAX_HOPS, max(1, mr.awareness_level) + int(c.is_marker.sum()))
        ints = np.zeros((total, 5 + hops), np.int64)
        floats = np.zeros((total, 3))
        self.a_loc, a_rlen, a_places, a_entry, a_rday = (ints[:, k] for k in range(5))
        a_places[:] = 1
        a_dlink, a_moved, a_recent = (floats[:, k] for k in range(3))
        self.a_trav = np.zeros(total, np.uint8)
        self.a_wake = np.zeros(total, np.int64)
        self.loc_num = np.zeros(n, np.int64)
        self.st = (
            self.a_loc,
            self.a_trav,
            ints[:, 5:],
            a_rlen,
            a_dlink,
            a_moved,
            a_recent,
            a_places,
            a_entry,
            self.loc_num,
            self.a_wake,
            a_rday,
        )
        self.closed_at = -np.ones(len(c.link_src), np.int64)
        self.prev_mc = np.full(n, np.nan)
        self.woken = 0
        self.count = 0
        for i in np.nonzero(c.initial)[0]:  # spawning.add_initial_refugees, camp by camp
            k = int(c.initial[i])
            self.a_loc[self.count : self.count + k] = i
            self.loc_num[i] += k
            self.count += k

    def spawn(self, new: int, cum: np.ndarray) -> np.ndarray:
        """Place ``new`` people at locations drawn by cumulative weight; counts per location."""
        kernel.spawn(self.count, new, cum, self.rng, self.a_loc, self.loc_num)
        got = np.bincount(self.a_loc[self.count : self.count + new], minlength=len(cum))
        self.count += new
        return got

    def place(self, got: np.ndarray) -> np.ndarray:
        """Place ``got[x]`` new people at each location ``x``, in location order; ``got``."""
        new = int(got.sum())
        self.a_loc[self.count : self.count + new] = np.repeat(np.arange(len(got)), got)
        self.loc_num += got
        self.count += new
        return got

    def closed(self, links: np.ndarray, t: int) -> None:
        """Links closed today: people on them go back when they reach the end."""
        self.closed_at[links] = t

    def day(
        self,
        t: int,
        c: FleeCompiled,
        mc: np.ndarray,
        state: dict[str, Any],
        link_open: np.ndarray,
        paths: tuple[np.ndarray, ...],
        base: np.ndarray,
    ) -> None:
        """One day of every agent."""
        mr = c.settings.move_rules
        changed = mc != self.prev_mc
        kernel.rewake(
            self.count,
            self.woken,
            t,
            self.rng,
            changed,
            bool(changed.any()),
            self.a_loc,
            self.a_trav,
            self.a_wake,
            mc,
        )
        self.woken, self.prev_mc = self.count, mc
        off, end, _km, hops, nh = paths
        net = (
            mc,
            state["is_town"],
            state["is_camp"],
            c.capacity,
            c.out_off,
            c.link_dst,
            link_open,
            mr.capacity_buffer,
            mr.weight_power,
        )
        link = (
            c.link_src,
            c.link_dst,
            c.link_dist,
            c.link_speed,
            c.link_walk,
            link_open,
            self.closed_at,
        )
        move = (mr.max_move_speed, mr.max_walk_speed, mr.start_on_foot, mr.avoid_short_stints)
        kernel.day(self.count, t, self.rng, self.st, net, (off, end, base, hops, nh), link, move)

    def on_links(self) -> int:
        """People on a link at the end of the day."""
        return int(np.count_nonzero(self.a_trav[: self.count]))


def check_ruleset(ruleset: str, option: str = "ruleset") -> None:
    """Refuse a ruleset name that is not one of RULESETS, naming the option it came in."""
    if ruleset not in RULESETS:
        raise InputError(not_one_of(option, ruleset, RULESETS))


def make(ruleset: str, c: FleeCompiled, rng: np.random.Generator) -> Agents:
    """The state of one per-agent run, with an error listing the rulesets for another name."""
    if ruleset != "agents":
        check_ruleset(ruleset)  # an unknown name: the error lists the rulesets
        raise ValueError("the cohort ruleset keeps no per-agent state (hito.flee.cohortrun)")
    return Agents(c, rng)
