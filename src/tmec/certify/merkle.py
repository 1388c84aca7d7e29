"""RFC 9162 (Certificate Transparency 2.0) Merkle trees: roots, inclusion and consistency proofs.

Hashing is RFC 9162 §2.1.1: a leaf is ``SHA-256(0x00 || data)``, an interior
node ``SHA-256(0x01 || left || right)``, the empty tree ``SHA-256("")``, and a
tree of ``n`` leaves splits at ``k``, the largest power of two below ``n``.

Two layers:

* ``root(leaves)``, ``inclusion_proof(index, leaves)``,
  ``consistency_proof(m, leaves)`` take the raw leaf data, as RFC 9162 states
  them (§2.1.1, §2.1.3.1, §2.1.4.1);
* :class:`HashTree` and the ``*_from`` functions work from stored hashes of
  perfect subtrees (level ``l``, index ``i`` covers leaves
  ``[i·2^l, (i+1)·2^l)``), so a proof in a log of a million entries costs
  O(log² n) hash lookups and never re-reads the leaves.

Verification (``verify_inclusion``, ``verify_consistency``) follows RFC 9162
§2.1.3.2 and §2.1.4.2 in the decomposed form of transparency-dev/merkle
(``proof/verify.go``), and checks hash sizes, as its conformance vectors
require.  Verifiers return ``True`` or ``False``; they never raise on bad
proofs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "HashTree",
    "consistency_proof",
    "consistency_proof_from",
    "inclusion_proof",
    "inclusion_proof_from",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from",
    "root_from_inclusion_proof",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# (level, index) -> hash of the perfect subtree covering [index·2^level, (index+1)·2^level)
PerfectHash = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 §2.1.1: ``MTH({d0}) = SHA-256(0x00 || d0)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: ``SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


# -- computing from perfect-subtree hashes ---------------------------------------------------------


def _subtree(get: PerfectHash, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range aligned as RFC 9162's recursion produces it."""
    n = end - start
    if n & (n - 1) == 0:  # a perfect subtree: stored
        level = n.bit_length() - 1
        return get(level, start >> level)
    k = _split(n)
    return node_hash(get(k.bit_length() - 1, start // k), _subtree(get, start + k, end))


def root_from(get: PerfectHash, size: int) -> bytes:
    """The root of the tree of the first ``size`` leaves."""
    if size == 0:
        return EMPTY_ROOT
    return _subtree(get, 0, size)


def inclusion_proof_from(get: PerfectHash, index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size]), leaf-to-root order."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    path: list[bytes] = []
    start, end, m = 0, size, index
    while end - start > 1:
        k = _split(end - start)
        if m < k:
            path.append(_subtree(get, start + k, end))
            end = start + k
        else:
            path.append(_subtree(get, start, start + k))
            start, m = start + k, m - k
    path.reverse()
    return path


def consistency_proof_from(get: PerfectHash, m: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[0:size]): shows the first ``m`` leaves are a prefix."""
    if not 0 <= m <= size:
        raise ValueError(f"cannot prove a tree of size {m} consistent with one of size {size}")
    if m in (0, size):
        return []
    proof: list[bytes] = []
    start, end, b = 0, size, True
    while True:
        n = end - start
        if m == n:
            if not b:
                proof.append(_subtree(get, start, end))
            break
        k = _split(n)
        if m <= k:
            proof.append(_subtree(get, start + k, end))
            end = start + k
        else:
            proof.append(_subtree(get, start, start + k))
            start, m, b = start + k, m - k, False
    proof.reverse()
    return proof


class HashTree:
    """An in-memory Merkle tree that keeps every perfect-subtree hash (a "compact range" per level).

    Appending costs amortised O(1) hashes; roots and proofs for any earlier size
    cost O(log² n).  ``levels[l][i]`` is the hash of perfect subtree ``(l, i)``.
    """

    __slots__ = ("levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append_hash(h)

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> HashTree:
        return cls(leaf_hash(d) for d in leaves)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def append_hash(self, h: bytes) -> list[tuple[int, int, bytes]]:
        """Append one leaf hash; return every perfect subtree it completed, ``(level, index, hash)``."""
        if len(h) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, not {len(h)}")
        done = [(0, len(self.levels[0]), h)]
        self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            row = self.levels[level]
            parent = node_hash(row[-2], row[-1])
            if level + 1 == len(self.levels):
                self.levels.append([])
            self.levels[level + 1].append(parent)
            done.append((level + 1, len(self.levels[level + 1]) - 1, parent))
            level += 1
        return done

    def perfect(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return root_from(self.perfect, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof_from(self.perfect, index, self._size(size))

    def consistency_proof(self, m: int, size: int | None = None) -> list[bytes]:
        return consistency_proof_from(self.perfect, m, self._size(size))

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"the tree has {self.size} leaves, not {size}")
        return size


# -- the RFC's functions over raw leaf data --------------------------------------------------------


def root(leaves: Sequence[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH(D[n]) of the raw leaf data ``leaves``."""
    return HashTree.from_leaves(leaves).root()


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[n]) over the raw leaf data."""
    return HashTree.from_leaves(leaves).inclusion_proof(index)


def consistency_proof(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[n]) over the raw leaf data."""
    return HashTree.from_leaves(leaves).consistency_proof(m)


# -- verification ---------------------------------------------------------------------------------


def _decompose(index: int, size: int) -> tuple[int, int]:
    """Split an inclusion proof's length into its inner part and its right-border part."""
    inner = (index ^ (size - 1)).bit_length()
    border = bin(index >> inner).count("1")
    return inner, border


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        seed = node_hash(h, seed) if (index >> i) & 1 else node_hash(seed, h)
    return seed


def _chain_inner_right(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    for i, h in enumerate(proof):
        if (index >> i) & 1:
            seed = node_hash(h, seed)
    return seed


def _chain_border_right(seed: bytes, proof: Sequence[bytes]) -> bytes:
    for h in proof:
        seed = node_hash(h, seed)
    return seed


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` implies for leaf hash ``leaf`` at ``index``; ``None`` if malformed."""
    if not 0 <= index < size or len(leaf) != HASH_SIZE:
        return None
    inner, border = _decompose(index, size)
    if len(proof) != inner + border or any(len(h) != HASH_SIZE for h in proof):
        return None
    return _chain_border_right(_chain_inner(leaf, proof[:inner], index), proof[inner:])


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes] | None, root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: is the leaf with hash ``leaf_hash`` at ``index`` in the tree ``(size, root)``?"""
    calculated = root_from_inclusion_proof(index, size, leaf_hash, proof or [])
    return calculated is not None and calculated == root


def verify_consistency(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes] | None
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``(size1, root1)`` a prefix of the tree ``(size2, root2)``?"""
    proof = list(proof or [])
    if size1 < 0 or size2 < size1:
        return False
    if size1 == size2:
        return not proof and root1 == root2 and len(root1) == HASH_SIZE
    if size1 == 0:
        # Every tree extends the empty one; there is nothing to prove.
        return not proof
    if not proof or any(len(h) != HASH_SIZE for h in proof):
        return False
    shift = (size1 & -size1).bit_length() - 1  # trailing zeros of size1
    inner, border = _decompose(size1 - 1, size2)
    inner -= shift
    # When size1 is a power of two its root is a node of the bigger tree and is not sent.
    if size1 == 1 << shift:
        seed, rest = root1, proof
    else:
        seed, rest = proof[0], proof[1:]
    if len(rest) != inner + border:
        return False
    mask = (size1 - 1) >> shift
    hash1 = _chain_border_right(_chain_inner_right(seed, rest[:inner], mask), rest[inner:])
    if hash1 != root1:
        return False
    hash2 = _chain_border_right(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    return hash2 == root2
