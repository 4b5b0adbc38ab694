"""Merkle tree hashing and proofs (RFC 9162): every proof of small trees checks, any change fails."""

from __future__ import annotations

import hashlib

import pytest

from hito.store import merkle


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 2.1.1 writes it (recursive), for comparison."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


LEAVES = [merkle.leaf_hash(f"entry {i}".encode()) for i in range(20)]


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert merkle.root([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("n", range(0, 20))
def test_frontier_root_is_the_rfc_root(n: int) -> None:
    f = merkle.Frontier()
    for h in LEAVES[:n]:
        f.append(h)
    assert f.root() == reference_root(LEAVES[:n])
    again = merkle.Frontier.from_hex(n, f.to_hex())
    again.append(LEAVES[n])
    assert again.root() == reference_root(LEAVES[: n + 1])


@pytest.mark.parametrize("n", range(1, 18))
def test_every_inclusion_proof_verifies_and_a_wrong_one_does_not(n: int) -> None:
    root = reference_root(LEAVES[:n])
    for i in range(n):
        proof = merkle.inclusion_proof(i, LEAVES[:n])
        assert merkle.verify_inclusion(i, n, LEAVES[i], proof, root)
        assert not merkle.verify_inclusion(i, n, LEAVES[19], proof, root)
        if n > 1:
            assert not merkle.verify_inclusion((i + 1) % n, n, LEAVES[i], proof, root)
            bad = [bytes(32)] + proof[1:]
            assert not merkle.verify_inclusion(i, n, LEAVES[i], bad, root)


@pytest.mark.parametrize("n", range(1, 18))
def test_every_consistency_proof_verifies_and_a_fork_does_not(n: int) -> None:
    second = reference_root(LEAVES[:n])
    forked = LEAVES[: n - 1] + [merkle.leaf_hash(b"forged")]
    for m in range(1, n + 1):
        first = reference_root(LEAVES[:m])
        proof = merkle.consistency_proof(m, LEAVES[:n])
        assert merkle.verify_consistency(m, n, first, second, proof)
        if m < n:
            assert not merkle.verify_consistency(m, n, first, reference_root(forked), proof)
            other_first = reference_root([merkle.leaf_hash(b"x")] + LEAVES[1:m])
            assert not merkle.verify_consistency(m, n, other_first, second, proof)


def test_proofs_outside_the_tree_are_refused() -> None:
    with pytest.raises(ValueError, match="outside a tree of 3"):
        merkle.inclusion_proof(3, LEAVES[:3])
    with pytest.raises(ValueError, match="from size 0"):
        merkle.consistency_proof(0, LEAVES[:3])
    with pytest.raises(ValueError, match="has 2 nodes"):
        merkle.Frontier.from_hex(3, ["00" * 32])
