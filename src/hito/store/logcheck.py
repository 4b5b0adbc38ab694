"""Checking the log with no trust in the database: saved signed heads, the tree, the rows.

Given the log's public key and the heads a country saved (`hito log head`, one JSON line
each), `verify` recomputes every leaf hash from the entry's fields and the tree from the
leaves, and reports as problems:

- a saved head whose signature is not the key's (forged head);
- two validly signed heads of one size with different roots (the log forked);
- a saved head larger than the log (truncation) or whose root differs from the tree
  recomputed at its size (an entry rewritten, removed, inserted or reordered);
- entries beyond the last head the key signed (appended without the key), a stored head
  whose signature or root is wrong, gaps in the entries' numbers;
- rows of reports, users, sites, agencies, plans, alerts, shelters, shelter updates and
  subscriptions whose state is not what the log recorded last for them (edited, inserted or
  deleted behind the log's back);
- `log.rejected` entries: pending entries the sequencer refused because they lacked the
  service's MAC (written into `log_pending` behind its back; kept in `log_rejected`).

A problem that names a resource or actor of an entry about one country's people (a user, a
subscription: `hito.store.logview`) is shown to a reader of the other country withheld
(`LogCheck.problems_for`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hito.errors import N_, Plural, Problem
from hito.store import audit, logread, logview, merkle
from hito.store.actors import Actor
from hito.store.logkey import LogKey, SignedHead
from hito.store.logrows import NOT_ROW_STATE, current_digests
from hito.store.models import LogHead, LogPending, LogRejected

ROW_KINDS = (
    "report:", "user:", "site:", "agency:", "plan:", "alert:", "shelter:", "shelter_update:",
    "subscription:",
)  # fmt: skip
MAX_PROBLEMS = 50
# the action prefix of a row's entries, where it is not its kind's (shelter updates are shelters')
_ACTION_OF_KIND = {"shelter_update": "shelter"}


@dataclass(frozen=True)
class Named:
    """What a problem names of an entry (`about`), and the problem as said without it."""

    about: logread.Entry
    withheld: Problem


@dataclass
class LogCheck:
    """What `verify` found: entries, heads checked, and every problem (empty when all holds)."""

    entries: int = 0
    pending: int = 0
    rejected: int = 0
    heads_checked: int = 0
    rows_checked: int = 0
    root_hash: str = merkle.EMPTY_ROOT.hex()
    problems: list[Problem] = field(default_factory=list)
    named: dict[int, Named] = field(default_factory=dict)  # by the problem's place in problems

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.problems

    def add(self, problem: Problem, named: Named | None = None) -> None:
        """Record a problem (the first MAX_PROBLEMS are kept, then a count).

        `named`: the entry whose resource and actor it names, and how it reads withheld.
        """
        if len(self.problems) < MAX_PROBLEMS:
            if named is not None:
                self.named[len(self.problems)] = named
            self.problems.append(problem)
        elif len(self.problems) == MAX_PROBLEMS:
            self.problems.append(Problem("… more problems not listed"))

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "pending": self.pending,
            "rejected": self.rejected,
            "heads_checked": self.heads_checked,
            "rows_checked": self.rows_checked,
            "root_hash": self.root_hash,
            "problems": [p.say("en") for p in self.problems],  # JSON's words: English
        }

    def problems_for(self, session: Session, reader: Actor) -> list[Problem]:
        """The problems as `reader` is shown them (`hito.store.logview.for_reader`).

        One naming a private entry of another country (its user or subscription, its actor)
        is said withheld; the operator and that country's readers see it whole.
        """
        if not self.named:
            return list(self.problems)
        places = sorted(self.named)
        entries = [self.named[i].about for i in places]
        shown = logview.for_reader(session, reader, entries)
        out = list(self.problems)
        for i, entry, seen in zip(places, entries, shown, strict=True):
            if seen is not entry:
                out[i] = self.named[i].withheld
        return out


def verify(
    session: Session,
    *,
    key: LogKey,
    saved: Sequence[tuple[str, SignedHead]] = (),
    rows: bool = True,
) -> LogCheck:
    """Check the log in the database against `saved` heads ((where, head) pairs) and the key.

    Call it on a fresh session: on PostgreSQL it reads one REPEATABLE READ snapshot, so a
    sequencer moving entries meanwhile cannot make them seem missing.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
    out = LogCheck()
    stored = [
        (f"stored head of size {h.tree_size}", audit._head(h))  # noqa: SLF001
        for h in session.scalars(select(LogHead).order_by(LogHead.tree_size))
    ]
    wanted, signed_max = _signed_heads([*saved, *stored], key, out)
    frontier, roots, latest = _replay(session, set(wanted), out)
    _check_heads(wanted, frontier, roots, out)
    stored_sizes = {h.tree_size for _w, h in stored}
    for where, h in saved:
        if h.tree_size not in stored_sizes and h.tree_size <= frontier.size:
            out.add(
                Problem(
                    "%(where)s: the database no longer stores this signed head (heads were "
                    "deleted)",
                    where=where,
                )
            )
    if frontier.size > 0 and frontier.size not in stored_sizes:
        out.add(
            Plural(
                "the log has %(size)s entry but no stored head of that size",
                "the log has %(size)s entries but no stored head of that size",
                frontier.size,
                size=frontier.size,
            )
        )
    if frontier.size > max(signed_max, 0) and frontier.size > 0:
        out.add(
            Problem(
                "entries %(max)s..%(value)s are covered by no head signed with the log key "
                "(appended without it: forged)",
                max=max(signed_max, 0),
                value=frontier.size - 1,
            )
        )
    pending = session.scalars(select(LogPending).order_by(LogPending.id)).all()
    out.pending = len(pending)
    for p in pending:
        if _row_state(p.action, p.after_digest):
            latest[p.resource] = p.after_digest
    if rows:
        _check_rows(session, latest, out)
    return out


Heads = dict[int, tuple[str, SignedHead]]


def _row_state(action: str, after_digest: str | None) -> bool:
    """True when an entry records its resource's row state (a digest, or its deletion)."""
    if action in NOT_ROW_STATE:  # an alert acknowledged: the alert's row is as it was
        return False
    return after_digest is not None or action.endswith(".delete")


def _signed_heads(
    heads: Sequence[tuple[str, SignedHead]], key: LogKey, out: LogCheck
) -> tuple[Heads, int]:
    """The validly signed heads by size (forged ones and forks noted) and the largest size."""
    by_size: Heads = {}
    signed_max = -1
    for where, h in heads:
        if not key.verifies(h):
            out.add(
                Problem(
                    "%(where)s: its signature is not the log key's (a forged or altered head)",
                    where=where,
                )
            )
            continue
        out.heads_checked += 1
        other = by_size.get(h.tree_size)
        if other is not None and other[1].root_hash != h.root_hash:
            out.add(
                Plural(
                    "%(where)s and %(other)s: two signed trees of %(tree_size)s entry with "
                    "different roots (the log forked)",
                    "%(where)s and %(other)s: two signed trees of %(tree_size)s entries with "
                    "different roots (the log forked)",
                    h.tree_size,
                    where=where,
                    other=other[0],
                    tree_size=h.tree_size,
                )
            )
        by_size.setdefault(h.tree_size, (where, h))
        signed_max = max(signed_max, h.tree_size)
    return by_size, signed_max


def _replay(
    session: Session, sizes: set[int], out: LogCheck
) -> tuple[merkle.Frontier, dict[int, bytes], dict[str, str | None]]:
    """Rebuild the tree from the stored entries (gaps and altered entries noted).

    Returns its frontier, the roots at `sizes` and the state the log recorded last for each
    resource.
    """
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
    frontier = merkle.Frontier()
    latest: dict[str, str | None] = {}
    for leaf in logread.all_leaves(session):
        if leaf.idx != frontier.size:
            out.add(
                Problem(
                    "entry %(size)s is missing (the next stored entry is %(idx)s)",
                    size=frontier.size,
                    idx=leaf.idx,
                )
            )
            break
        lh = merkle.leaf_hash(audit.entry_bytes(leaf))
        if leaf.leaf_hash != lh.hex():
            out.add(
                Problem(
                    "entry %(idx)s: its stored hash is not the hash of its fields (altered)",
                    idx=leaf.idx,
                )
            )
        if leaf.action == audit.REJECTED:
            out.rejected += 1
            out.add(*_refused(session, leaf))
        frontier.append(lh)
        if frontier.size in sizes:
            roots[frontier.size] = frontier.root()
        if _row_state(leaf.action, leaf.after_digest):
            latest[leaf.resource] = leaf.after_digest
    out.entries = frontier.size
    out.root_hash = frontier.root().hex()
    return frontier, roots, latest


def _refused(session: Session, leaf: Any) -> tuple[Problem, Named | None]:
    """The problem of a `log.rejected` entry, and the refused entry it names."""

    def said(what: str) -> Problem:
        return Problem(
            "entry %(idx)s: the service refused to sign a pending entry written into "
            "the database behind its back (%(what)s); it is kept in log_rejected",
            idx=leaf.idx,
            what=what,
        )

    row = session.scalar(select(LogRejected).where(LogRejected.leaf_idx == leaf.idx).limit(1))
    if row is None:
        return said(leaf.note), None
    about = logview.named(row.action, row.resource, row.actor)
    hidden = logview.refusal_withheld(leaf.note.split(": ", 1)[0], about)
    return said(leaf.note), Named(about, said(hidden))


def _row_problem(message: str, resource: str) -> tuple[Problem, Named]:
    """A row's problem, and the same said without the row's id."""
    kind = resource.split(":", 1)[0]
    about = logview.named(f"{_ACTION_OF_KIND.get(kind, kind)}.row", resource, "")
    return Problem(message, resource=resource), Named(about, Problem(message, resource=f"{kind}:?"))


def _check_heads(
    wanted: Heads, frontier: merkle.Frontier, roots: dict[int, bytes], out: LogCheck
) -> None:
    """Each signed head against the rebuilt tree: truncated, or a root no longer matching."""
    for size, (where, h) in sorted(wanted.items()):
        if size > frontier.size:
            out.add(
                Plural(
                    "%(where)s: it covers %(covers)s entry but the log has %(log_size)s (an entry"
                    " was removed: the log was truncated)",
                    "%(where)s: it covers %(covers)s entries but the log has %(log_size)s (entries"
                    " were removed: the log was truncated)",
                    size,
                    where=where,
                    covers=size,
                    log_size=frontier.size,
                )
            )
        elif roots.get(size, b"").hex() != h.root_hash:
            out.add(
                Plural(
                    "%(where)s: the first entry of the log no longer hashes to its root (it was "
                    "rewritten, removed, inserted or reordered)",
                    "%(where)s: the first %(size)s entries of the log no longer hash to its root "
                    "(an entry was rewritten, removed, inserted or reordered)",
                    size,
                    where=where,
                    size=size,
                )
            )


def _check_rows(session: Session, latest: dict[str, str | None], out: LogCheck) -> None:
    """Every row `current_digests` reads against the state the log recorded last for it."""
    seen: set[str] = set()
    for resource, now in current_digests(session.connection()):
        seen.add(resource)
        out.rows_checked += 1
        if resource not in latest:
            out.add(
                *_row_problem(
                    N_("%(resource)s: the row has no entry in the log (inserted behind its back)"),
                    resource,
                )
            )
        elif latest[resource] is None:
            out.add(
                *_row_problem(
                    N_("%(resource)s: the log says it was deleted, but the row is there"), resource
                )
            )
        elif latest[resource] != now:
            out.add(
                *_row_problem(
                    N_(
                        "%(resource)s: the row differs from its state in the log (edited behind "
                        "its back)"
                    ),
                    resource,
                )
            )
    for resource, d in latest.items():
        if resource.startswith(ROW_KINDS) and d is not None and resource not in seen:
            out.add(
                *_row_problem(
                    N_("%(resource)s: in the log, but the row is gone (deleted behind its back)"),
                    resource,
                )
            )


def parse_heads(text: str, source: str) -> list[tuple[str, SignedHead]]:
    """The heads of a heads file (one JSON head per line; blank lines and # comments skipped)."""
    heads = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        heads.append((f"{source}:{n}", SignedHead.parse(line, f"{source}:{n}")))
    return heads
