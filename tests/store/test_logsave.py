"""The check before a head is saved: the pinned key's signature, and the file's last head."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

import pytest

from hito.errors import InputError
from hito.store import logsave, merkle
from hito.store.logkey import load_key


def _never(first: int, second: int) -> list[bytes]:
    raise AssertionError(f"no proof should be asked ({first}, {second})")


def test_a_forged_signature_under_the_pinned_key_id_is_refused(tmp_path: Path) -> None:
    key = load_key(tmp_path / "key.pem", create=True)
    head = key.sign(tree_size=3, root_hash=merkle.EMPTY_ROOT.hex(), timestamp=1)
    forged = dataclasses.replace(head, signature=base64.b64encode(b"\0" * 64).decode())
    with pytest.raises(InputError) as err:
        logsave.check_next(forged, key=key, last=None, source="server", proof=_never)
    assert err.value.in_language("en") == [
        f"server: the head of 3 entries names the pinned key {key.key_id} but its signature "
        "does not verify with it (forged); nothing was saved"
    ]


def test_a_heads_file_whose_last_head_another_key_signed_is_refused(tmp_path: Path) -> None:
    key = load_key(tmp_path / "key.pem", create=True)
    other = load_key(tmp_path / "other.pem", create=True)
    heads = tmp_path / "heads.jsonl"
    leaves = [merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")]
    logsave.append(heads, other.sign(tree_size=1, root_hash=leaves[0].hex(), timestamp=1))
    new = key.sign(tree_size=2, root_hash=merkle.root(leaves).hex(), timestamp=2)
    with pytest.raises(InputError) as err:
        logsave.check_next(
            new, key=key, last=logsave.last_saved(heads), source="server", proof=_never
        )
    assert err.value.in_language("en") == [
        f"{heads}:1: the last head saved (key id {other.key_id}) is not signed by the pinned "
        f"key {key.key_id}: is this the log's heads file, and its key? nothing was saved"
    ]


def test_a_head_extending_the_last_one_passes_with_its_proof(tmp_path: Path) -> None:
    key = load_key(tmp_path / "key.pem", create=True)
    heads = tmp_path / "heads.jsonl"
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(7)]
    logsave.append(
        heads, key.sign(tree_size=3, root_hash=merkle.root(leaves[:3]).hex(), timestamp=1)
    )
    new = key.sign(tree_size=7, root_hash=merkle.root(leaves).hex(), timestamp=2)
    asked = []

    def proof(first: int, second: int) -> list[bytes]:
        asked.append((first, second))
        return merkle.consistency_proof(first, leaves[:second])

    logsave.check_next(new, key=key, last=logsave.last_saved(heads), source="s", proof=proof)
    assert asked == [(3, 7)]


@pytest.mark.parametrize(
    ("size", "en", "es"),
    [
        (1, "the head of 1 entry is signed", "la cabecera de 1 entrada está firmada"),
        (3, "the head of 3 entries is signed", "la cabecera de 3 entradas está firmada"),
    ],
)
def test_a_head_another_key_signed_is_refused_saying_its_size_in_the_right_form(
    tmp_path: Path, size: int, en: str, es: str
) -> None:
    key = load_key(tmp_path / "key.pem", create=True)
    other = load_key(tmp_path / "other.pem", create=True)
    head = other.sign(tree_size=size, root_hash=merkle.EMPTY_ROOT.hex(), timestamp=1)
    with pytest.raises(InputError) as err:
        logsave.check_signed(head, key, "server")
    assert err.value.in_language("en") == [
        f"server: {en} by key id {other.key_id}, expected the pinned key {key.key_id}; "
        "nothing was saved"
    ]
    assert err.value.in_language("es") == [
        f"server: {es} por la clave {other.key_id}; se esperaba la clave fijada {key.key_id}; "
        "no se guardó nada"
    ]


def test_a_head_of_one_entry_rewritten_says_both_sizes_in_the_singular(tmp_path: Path) -> None:
    key = load_key(tmp_path / "key.pem", create=True)
    heads = tmp_path / "heads.jsonl"
    a, b = merkle.leaf_hash(b"a").hex(), merkle.leaf_hash(b"b").hex()
    logsave.append(heads, key.sign(tree_size=1, root_hash=a, timestamp=1))
    new = key.sign(tree_size=1, root_hash=b, timestamp=2)
    with pytest.raises(InputError) as err:
        logsave.check_next(new, key=key, last=logsave.last_saved(heads), source="s", proof=_never)
    assert err.value.in_language("en") == [
        f"s: the head (1 entry, root {b}) does not extend the last head saved ({heads}:1: 1 "
        f"entry, root {a}): the log was rewritten or forked; nothing was saved"
    ]
    assert err.value.in_language("es") == [
        f"s: la cabecera (1 entrada, raíz {b}) no prolonga la última cabecera guardada ({heads}:1: "
        f"1 entrada, raíz {a}): el registro se reescribió o se bifurcó; no se guardó nada"
    ]


def test_a_heads_file_that_is_not_utf8_is_named_at_its_line(tmp_path: Path, english_reader) -> None:  # type: ignore[no-untyped-def]
    """`hito log head --append` on a file of another encoding was a UnicodeDecodeError."""
    heads = tmp_path / "heads.jsonl"
    heads.write_bytes(b"\n\xe9t\xe9\n")
    with pytest.raises(InputError) as err:
        logsave.last_saved(heads)
    assert err.value.in_language("en") == [
        f"{heads}:2: byte 1 is not UTF-8 text; expected a text file in UTF-8 "
        "(an editor saves one as UTF-8)"
    ]
