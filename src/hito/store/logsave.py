"""A head a country saves: checked against the pinned key and the last head saved before it.

`hito log head --append FILE` writes a head only when it is signed by the key the country
pinned and the log it covers extends the one the last head in FILE covers (RFC 9162
consistency proof); otherwise nothing is written and the reason is an InputError.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from hito.errors import InputError, Plural, Problem, os_reason
from hito.store import merkle
from hito.store.logcheck import parse_heads
from hito.store.logkey import LogKey, SignedHead
from hito.textfile import decode_utf8

Proof = Callable[[int, int], Sequence[bytes]]


def last_saved(path: Path) -> tuple[str, SignedHead] | None:
    """The last head of a heads file (with its `file:line`); None for a missing or empty file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(
            Problem("--append: %(f)s: %(value)s", f=path, value=os_reason(exc))
        ) from None
    heads = parse_heads(decode_utf8(data, str(path)), str(path))  # its line if not UTF-8
    return heads[-1] if heads else None


def entries(n: int) -> Plural:
    """A number of entries of the log, in the form of its count ('1 entry', '3 entries')."""
    return Plural("%(n)s entry", "%(n)s entries", n, n=n)


def check_signed(head: SignedHead, key: LogKey, source: str) -> None:
    """InputError unless the pinned key signed the head."""
    if head.key_id != key.key_id:
        raise InputError(
            Plural(
                "%(source)s: the head of %(size)s entry is signed by key id %(got)s, expected "
                "the pinned key %(expected)s; nothing was saved",
                "%(source)s: the head of %(size)s entries is signed by key id %(got)s, expected "
                "the pinned key %(expected)s; nothing was saved",
                head.tree_size,
                source=source,
                size=head.tree_size,
                got=head.key_id,
                expected=key.key_id,
            )
        )
    if not key.verifies(head):
        raise InputError(
            Plural(
                "%(source)s: the head of %(size)s entry names the pinned key %(expected)s but "
                "its signature does not verify with it (forged); nothing was saved",
                "%(source)s: the head of %(size)s entries names the pinned key %(expected)s but "
                "its signature does not verify with it (forged); nothing was saved",
                head.tree_size,
                source=source,
                size=head.tree_size,
                expected=key.key_id,
            )
        )


def check_next(
    head: SignedHead,
    *,
    key: LogKey,
    last: tuple[str, SignedHead] | None,
    source: str,
    proof: Proof,
) -> None:
    """InputError unless `head` is signed by `key` and extends `last` (asking `proof`(m, n))."""
    check_signed(head, key, source)
    if last is None:
        return
    where, old = last
    if old.key_id != key.key_id or not key.verifies(old):
        raise InputError(
            Problem(
                "%(where)s: the last head saved (key id %(got)s) is not signed by the pinned key "
                "%(expected)s: is this the log's heads file, and its key? nothing was saved",
                where=where,
                got=old.key_id,
                expected=key.key_id,
            )
        )
    if head.tree_size < old.tree_size:
        raise InputError(
            Plural(
                "%(source)s: the head covers %(got)s entry, expected at least %(expected)s "
                "(the last head saved, %(where)s): the log was truncated or rolled back; nothing "
                "was saved",
                "%(source)s: the head covers %(got)s entries, expected at least %(expected)s "
                "(the last head saved, %(where)s): the log was truncated or rolled back; nothing "
                "was saved",
                head.tree_size,
                source=source,
                got=head.tree_size,
                expected=old.tree_size,
                where=where,
            )
        )
    if old.tree_size == 0:  # the empty tree is a prefix of every tree
        return
    path: Sequence[bytes] = []
    if head.tree_size > old.tree_size:
        path = proof(old.tree_size, head.tree_size)
    try:
        roots = bytes.fromhex(old.root_hash), bytes.fromhex(head.root_hash)
    except ValueError:  # signed, yet not hex: consistent with nothing
        roots = b"", b"-"
    if not merkle.verify_consistency(old.tree_size, head.tree_size, *roots, path):
        raise InputError(
            Problem(
                "%(source)s: the head (%(got)s, root %(root)s) does not extend the last head "
                "saved (%(where)s: %(expected)s, root %(old_root)s): the log was rewritten or "
                "forked; nothing was saved",
                source=source,
                got=entries(head.tree_size),
                root=head.root_hash,
                where=where,
                expected=entries(old.tree_size),
                old_root=old.root_hash,
            )
        )


def append(path: Path, head: SignedHead) -> None:
    """Add the head as one line (after a checked `check_next`)."""
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(head.line() + "\n")
    except OSError as exc:
        raise InputError(
            Problem("--append: %(f)s: %(value)s", f=path, value=os_reason(exc))
        ) from None
