"""Export control: licences (one row per licensed item) and denials, from CSV templates.

Items are identified by an HS code (6–10 digits, HS 2022) and/or a control-list entry
(EU/Wassenaar dual-use ``3A001``, military list ``ML10``, US ``EAR99``); at least one is required.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from accord.analytics.datasets import DENIALS, LICENCES
from accord.ingest.base import Chunk, Deferred, IngestOptions, Progress
from accord.ingest.columns import Converter
from accord.ingest.template import Col, Template, read_template, require_one_of

STATUSES = ("issued", "amended", "suspended", "revoked", "expired", "used")


def _party(role: str, who: str) -> tuple[Col, ...]:
    return (
        Col(f"{role}_name", "text", required=role in ("exporter", "denied_party"),
            doc=f"{who}'s name"),
        Col(f"{role}_country", "country", doc=f"{who}'s country (ISO 3166 alpha-2)"),
        Col(f"{role}_address", "text", doc=f"{who}'s address, one line"),
    )  # fmt: skip


def _validity(cv: Converter, out: dict[str, pa.Array]) -> None:
    backwards = pc.less(out["valid_to"], out["valid_from"])
    cv.fail(backwards, "valid_to is before valid_from")


def _default_item(cv: Converter, out: dict[str, pa.Array]) -> None:
    out["item_no"] = pc.fill_null(out["item_no"], pa.scalar(1, pa.int32()))


LICENCES_TEMPLATE = Template(
    name="licences",
    dataset=LICENCES,
    columns=(
        Col("licence_id", "text", required=True, doc="licence number"),
        Col("item_no", "int", doc="item number within the licence (default 1)"),
        Col("licence_type", "text", doc="e.g. individual, global, general"),
        Col("authority", "text", doc="issuing authority"),
        *_party("exporter", "exporter"),
        *_party("end_user", "end user"),
        *_party("consignee", "consignee"),
        Col("destination_country", "country", required=True, doc="country of final destination"),
        Col("hs_code", "hs", doc="HS code of the item (6 to 10 digits)"),
        Col("control_entry", "control", doc="control-list entry (e.g. 3A001, ML10, EAR99)"),
        Col("description", "text", doc="item description"),
        Col("quantity", "float", doc="licensed quantity"),
        Col("unit", "text", doc="unit of the quantity"),
        Col("value", "float", doc="licensed value"),
        Col("currency", "code", doc="ISO 4217 currency of the value"),
        Col("valid_from", "date", required=True, doc="first day of validity, YYYY-MM-DD"),
        Col("valid_to", "date", doc="last day of validity, YYYY-MM-DD"),
        Col("status", "choice", doc=", ".join(STATUSES), choices=STATUSES),
    ),
    checks=(require_one_of("hs_code", "control_entry"), _validity, _default_item),
)

DENIALS_TEMPLATE = Template(
    name="denials",
    dataset=DENIALS,
    columns=(
        Col("denial_id", "text", required=True, doc="denial notification number"),
        Col("authority", "text", doc="denying authority"),
        Col("denial_date", "date", required=True, doc="date of the denial, YYYY-MM-DD"),
        *_party("denied_party", "denied party (consignee or end user)"),
        Col("destination_country", "country", doc="country of destination"),
        Col("hs_code", "hs", doc="HS code of the goods (6 to 10 digits)"),
        Col("control_entry", "control", doc="control-list entry (e.g. 3A001, ML10, EAR99)"),
        Col("description", "text", doc="goods description"),
        Col("reason", "text", doc="ground for the denial"),
    ),
    checks=(require_one_of("hs_code", "control_entry"),),
)


def read_licences(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    return read_template(LICENCES_TEMPLATE, path, options, progress)


def read_denials(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    return read_template(DENIALS_TEMPLATE, path, options, progress)
