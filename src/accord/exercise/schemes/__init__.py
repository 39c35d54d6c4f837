"""The scheme library: one module per family; each scheme injects records and returns its truth.

A scheme is a function ``(ctx, spec) -> SchemeTruth`` registered under its type. It adds actors to
the world, rows to the trade and payment streams, vessel plans, registry and list entities, all
through ``Context`` — so the background writers carry the scheme's records into the same files.
"""

from __future__ import annotations

from collections.abc import Callable

from accord.exercise.context import Context
from accord.exercise.scenario import SchemeSpec
from accord.exercise.schemes import finance, maritime, ownership, trade
from accord.exercise.truth import SchemeTruth

Scheme = Callable[[Context, SchemeSpec], SchemeTruth]

SCHEMES: dict[str, Scheme] = {
    "transshipment": trade.transshipment,
    "misinvoicing": trade.misinvoicing,
    "layering": ownership.layering,
    "front_company": ownership.front_company,
    "sts_dark": maritime.sts_dark,
    "flag_hopping": maritime.flag_hopping,
    "mmsi_spoofing": maritime.mmsi_spoofing,
    "nested_correspondents": finance.nested_correspondents,
    "transliteration": finance.transliteration,
}
