"""Seeded randomness: one independent, reproducible stream per labelled purpose.

Every part of the world draws from ``stream(seed, "trade", node_id, day)`` rather than from one
shared generator, so adding a scheme or a node never shifts what the other parts draw: the same
seed gives the same bytes, and a change stays local in the output.
"""

from __future__ import annotations

import zlib

import numpy as np
import pyarrow as pa

from accord.exercise.output import fixed_width

_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
#: Columns of the 32 hex digits in ``8-4-4-4-12`` (the dashes sit at 8, 13, 18 and 23).
_HEX_AT = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def _label(part: object) -> int:
    # crc32, not hash(): Python salts str hashes per process, which would break "same seed,
    # same bytes".
    return zlib.crc32(str(part).encode("utf-8"))


def stream(seed: int, *labels: object) -> np.random.Generator:
    """A generator determined by the seed and the labels only."""
    return np.random.default_rng(np.random.SeedSequence([seed, *(_label(x) for x in labels)]))


def sub_seed(seed: int, *labels: object) -> int:
    """An integer seed for libraries with their own generator (Faker)."""
    return int(stream(seed, *labels).integers(0, 2**31 - 1))


def uuid4(rng: np.random.Generator, n: int) -> list[str]:
    """RFC 4122 version-4 UUIDs (lower case, as ISO 20022's UETR pattern wants) from ``rng``."""
    return uuid4_array(rng, n).to_pylist()  # type: ignore[no-any-return]


def uuid4_array(rng: np.random.Generator, n: int) -> pa.Array:
    """``n`` version-4 UUIDs as a string column."""
    return fixed_width(uuid4_chars(rng, n))


def uuid4_chars(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` version-4 UUIDs as an ``(n, 36)`` matrix of ASCII bytes (no per-row string)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    text = np.full((n, 36), ord("-"), np.uint8)
    text[:, _HEX_AT[0::2]] = _HEX[raw >> 4]
    text[:, _HEX_AT[1::2]] = _HEX[raw & 0x0F]
    return text


def imo_number(body: int) -> int:
    """A 7-digit IMO number from a 6-digit body, with its check digit (weights 7..2)."""
    digits = [int(d) for d in f"{body:06d}"]
    check = sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10
    return body * 10 + check
