"""Which order ids a file already had, and on which line: to name repeated ids."""

from __future__ import annotations

from array import array

_MAX_LOAD = 0.7
_MASK_63 = (1 << 63) - 1


class SeenIds:
    """Order id -> line of its first row, in 17 to 34 bytes per id.

    A dict of the id strings costs about 120 bytes per id (100+ MB for a million orders), which
    would undo the import's flat memory. This open-addressing table keeps a 63-bit digest of
    each id and its line in two arrays instead. Two ids sharing a digest (about 1 in 10^7 for
    a million ids) would only make a repeat be reported wrongly: rows are applied by their own
    id, never by this table.
    """

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._digests = array("q", bytes(8 * capacity))  # 0 marks an empty slot
        self._lines = array("I", bytes(4 * capacity))  # lines up to 4 billion
        self._count = 0

    def first_line(self, order_id: str, line: int) -> int:
        """The line where `order_id` was first seen; `line` itself when it is new."""
        digest = _digest(order_id)
        digests = self._digests
        mask = len(digests) - 1
        slot = digest & mask
        while True:  # linear probing (inlined: it runs once per row)
            found = digests[slot]
            if found == digest:
                return int(self._lines[slot])
            if not found:
                break
            slot = (slot + 1) & mask
        digests[slot], self._lines[slot] = digest, line
        self._count += 1
        if self._count > _MAX_LOAD * len(digests):
            self._grow()
        return line

    def __len__(self) -> int:
        return self._count

    def _grow(self) -> None:
        old_digests, old_lines = self._digests, self._lines
        capacity = 2 * len(old_digests)
        digests = self._digests = array("q", bytes(8 * capacity))
        lines = self._lines = array("I", bytes(4 * capacity))
        mask = capacity - 1
        for digest, line in zip(old_digests, old_lines, strict=True):
            if digest:
                slot = digest & mask
                while digests[slot]:
                    slot = (slot + 1) & mask
                digests[slot], lines[slot] = digest, line


def _digest(order_id: str) -> int:
    # Python's own string hash: 64 bits of SipHash, salted per process (stable within one
    # import), and far cheaper than hashlib per row. Folded to 63 bits, never 0.
    return (hash(order_id) & _MASK_63) or 1
