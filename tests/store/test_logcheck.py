"""The words of the log check: a head's or a tree's size said in the form of its count."""

from __future__ import annotations

from pathlib import Path

from hito.store import logcheck, merkle
from hito.store.logkey import LogKey, load_key


def _frontier(leaves: list[bytes]) -> merkle.Frontier:
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier


def _key(tmp_path: Path) -> LogKey:
    return load_key(tmp_path / "key.pem", create=True)


def _said(out: logcheck.LogCheck) -> list[tuple[str, str]]:
    return [(p.say("en"), p.say("es")) for p in out.problems]


def test_a_head_beyond_a_truncated_log_says_its_size_in_the_right_form(tmp_path: Path) -> None:
    key, leaves = _key(tmp_path), [merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")]
    out = logcheck.LogCheck()
    one = key.sign(tree_size=1, root_hash=leaves[0].hex(), timestamp=1)
    logcheck._check_heads({1: ("h:1", one)}, _frontier([]), {}, out)
    two = key.sign(tree_size=2, root_hash=merkle.root(leaves).hex(), timestamp=2)
    logcheck._check_heads({2: ("h:2", two)}, _frontier(leaves[:1]), {}, out)
    assert _said(out) == [
        (
            "h:1: it covers 1 entry but the log has 0 (an entry was removed: the log was "
            "truncated)",
            "h:1: abarca 1 entrada, pero el registro tiene 0 (se quitó una entrada: el registro "
            "se truncó)",
        ),
        (
            "h:2: it covers 2 entries but the log has 1 (entries were removed: the log was "
            "truncated)",
            "h:2: abarca 2 entradas, pero el registro tiene 1 (se quitaron entradas: el registro "
            "se truncó)",
        ),
    ]


def test_a_rewritten_first_entry_or_entries_are_said_in_the_right_form(tmp_path: Path) -> None:
    key, leaves = _key(tmp_path), [merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")]
    other = [merkle.leaf_hash(b"x"), merkle.leaf_hash(b"y")]
    heads = {
        1: ("h:1", key.sign(tree_size=1, root_hash=leaves[0].hex(), timestamp=1)),
        2: ("h:2", key.sign(tree_size=2, root_hash=merkle.root(leaves).hex(), timestamp=2)),
    }
    out = logcheck.LogCheck()
    roots = {1: other[0], 2: merkle.root(other)}
    logcheck._check_heads(heads, _frontier(other), roots, out)
    assert _said(out) == [
        (
            "h:1: the first entry of the log no longer hashes to its root (it was rewritten, "
            "removed, inserted or reordered)",
            "h:1: el hash de la primera entrada del registro ya no da su raíz (se reescribió, se "
            "quitó, se insertó o se reordenó)",
        ),
        (
            "h:2: the first 2 entries of the log no longer hash to its root (an entry was "
            "rewritten, removed, inserted or reordered)",
            "h:2: el hash de las primeras 2 entradas del registro ya no da su raíz (una entrada se "
            "reescribió, se quitó, se insertó o se reordenó)",
        ),
    ]


def test_two_signed_trees_of_one_entry_with_different_roots_are_a_fork(tmp_path: Path) -> None:
    key = _key(tmp_path)
    heads = [
        ("h:1", key.sign(tree_size=1, root_hash=merkle.leaf_hash(b"a").hex(), timestamp=1)),
        ("h:2", key.sign(tree_size=1, root_hash=merkle.leaf_hash(b"b").hex(), timestamp=2)),
    ]
    out = logcheck.LogCheck()
    logcheck._signed_heads(heads, key, out)
    assert _said(out) == [
        (
            "h:2 and h:1: two signed trees of 1 entry with different roots (the log forked)",
            "h:2 y h:1: dos árboles firmados de 1 entrada con raíces distintas (el registro se "
            "bifurcó)",
        )
    ]
