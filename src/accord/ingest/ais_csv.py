"""Decoded AIS positions from CSV: MarineCadastre, Spire-style, VesselsValue-style, generic.

Each column set maps its columns onto ``positions`` (and ``vessel_static`` where it carries
static data), and declares its time format and zone:
* MarineCadastre ``BaseDateTime`` is ISO without zone, documented as UTC;
* Spire-style ``Time`` is ``YYYYMMDD_HHMMSS``, UTC (satellite AIS receivers stamp in UTC);
* VesselsValue-style ``ais_pos_timestamp`` is ``dd/mm/YYYY HH:MM`` with no documented zone: it
  needs ``--assume-timezone``; its ``ID`` is an anonymised vessel id, kept as ``vesselsvalue:<ID>``;
* the generic template's ``timestamp`` is ISO 8601 with a zone (``--assume-timezone`` for none).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from accord.analytics.datasets import POSITIONS, VESSEL_STATIC
from accord.errors import InvalidInputError
from accord.ingest.base import LINE, Chunk, Deferred, IngestOptions, Progress
from accord.ingest.columns import Converter
from accord.ingest.csvread import CsvBatch, check_columns, csv_batches, read_header

I64, I32, F64 = pa.int64(), pa.int32(), pa.float64()


@dataclass(frozen=True)
class ColumnSet:
    name: str
    signature: frozenset[str]  # columns whose presence identifies the set
    mmsi: str | None
    ts: str
    ts_format: str | None  # strptime format, None = ISO 8601
    zone: str | None  # the zone the format defines, if any
    lat: str
    lon: str
    sog: str | None = None
    cog: str | None = None
    heading: str | None = None
    status: str | None = None
    msg_type: str | None = None
    track: str | None = None
    track_prefix: str = ""
    imo: str | None = None
    name_col: str | None = None
    callsign: str | None = None
    ship_type: str | None = None
    destination: str | None = None
    draught: str | None = None
    #: Spire-style exports give the draught in AIS units (decimetres).
    draught_scale: float = 1.0


MARINECADASTRE = ColumnSet(
    "marinecadastre", frozenset({"mmsi", "basedatetime", "lat", "lon"}), mmsi="mmsi",
    ts="basedatetime", ts_format=None, zone="UTC", lat="lat", lon="lon", sog="sog", cog="cog",
    heading="heading", status="status", imo="imo", name_col="vesselname", callsign="callsign",
    ship_type="vesseltype", draught="draft",
)  # fmt: skip
SPIRE = ColumnSet(
    "spire", frozenset({"mmsi", "message_id", "time", "longitude", "latitude"}), mmsi="mmsi",
    ts="time", ts_format="%Y%m%d_%H%M%S", zone="UTC", lat="latitude", lon="longitude", sog="sog",
    cog="cog", heading="heading", status="navigational_status", msg_type="message_id", imo="imo",
    name_col="vessel_name", callsign="call_sign", ship_type="ship_type",
    destination="destination", draught="draught", draught_scale=0.1,
)  # fmt: skip
VESSELSVALUE = ColumnSet(
    "vesselsvalue", frozenset({"id", "ais_pos_timestamp", "longitude", "latitude"}), mmsi=None,
    ts="ais_pos_timestamp", ts_format="%d/%m/%Y %H:%M", zone=None, lat="latitude",
    lon="longitude", track="id", track_prefix="vesselsvalue:",
)  # fmt: skip
GENERIC = ColumnSet(
    "generic", frozenset({"timestamp", "lat", "lon"}), mmsi="mmsi", ts="timestamp",
    ts_format=None, zone=None, lat="lat", lon="lon", sog="sog", cog="cog", heading="heading",
    status="nav_status", track="track_id", imo="imo", name_col="name", callsign="callsign",
    ship_type="ship_type", destination="destination", draught="draught",
)  # fmt: skip
COLUMN_SETS = (MARINECADASTRE, SPIRE, VESSELSVALUE, GENERIC)

#: The generic template's columns (documented in docs/ingest.md; a test keeps both equal).
GENERIC_REQUIRED = ("timestamp", "lat", "lon")
GENERIC_OPTIONAL = (
    "mmsi", "track_id", "imo", "sog", "cog", "heading", "nav_status", "name", "callsign",
    "ship_type", "destination", "draught",
)  # fmt: skip
STATIC_TYPES = ("5", "24")
VESSEL_POSITION_TYPES = ("1", "2", "3", "18", "19", "27")


def detect_column_set(path: Path) -> ColumnSet:
    header = set(read_header(path))
    for cs in COLUMN_SETS:
        if cs.signature <= header:
            return cs
    raise InvalidInputError(
        f"{path.name}: wrong column set for AIS positions (not MarineCadastre, Spire, "
        f"VesselsValue or the generic template: {', '.join(sorted(header))})"
    )


def _positions(cs: ColumnSet, cv: Converter, options: IngestOptions) -> pa.Table:
    n = cv.n
    mmsi = cv.number(cs.mmsi, I64, lo=1, hi=999_999_999) if cs.mmsi else pa.nulls(n, I64)
    track = cv.text(cs.track) if cs.track else pa.nulls(n, pa.string())
    if cs.track_prefix:
        track = pc.binary_join_element_wise(cs.track_prefix, track, "")
    track = pc.coalesce(track, pc.cast(mmsi, pa.string()))
    cv.fail(pc.is_null(track), "no vessel identifier (mmsi or track_id)")
    zone = cs.zone or options.assume_timezone
    ts = cv.timestamp(cs.ts, required=True, fmt=cs.ts_format, zone=zone)
    lat = cv.number(cs.lat, F64, required=True, lo=-90, hi=90)
    lon = cv.number(cs.lon, F64, required=True, lo=-180, hi=180)

    def opt(col: str | None, to: pa.DataType, *missing: str) -> pa.Array:
        return cv.number(col, to, missing=missing) if col else pa.nulls(n, to)

    status = opt(cs.status, F64)
    return pa.table({
        "track_id": track, "mmsi": mmsi, "ts": ts, "lat": lat, "lon": lon,
        "sog": opt(cs.sog, F64, "102.3", "1023"), "cog": opt(cs.cog, F64, "360", "360.0", "3600"),
        "heading": opt(cs.heading, F64, "511", "511.0"),
        "nav_status": pc.cast(status, I32, safe=False),
        "msg_type": opt(cs.msg_type, I32),
        "source": pa.repeat(pa.scalar(cs.name), n), LINE: cv.lines,
    })  # fmt: skip


def _static(cs: ColumnSet, cv: Converter, ts: pa.Array, mmsi: pa.Array, ok: pa.Array) -> pa.Table:
    """Static columns, reduced to one row per vessel and distinct values within the batch.

    Position exports repeat a vessel's static data on every report: the rows are first grouped
    on the raw text (a few per vessel remain), and only those are parsed, then grouped again on
    the parsed values (``IMO9307839`` and ``9307839`` are one IMO number)."""
    n = cv.n

    def text(col: str | None) -> pa.Array:
        return cv.raw(col) if col else pa.nulls(n, pa.string())

    raw = pa.table({
        "mmsi": mmsi, "ts": ts, "imo": text(cs.imo), "name": text(cs.name_col),
        "callsign": text(cs.callsign), "ship_type": text(cs.ship_type),
        "destination": text(cs.destination), "draught": text(cs.draught),
        "msg_type": text(cs.msg_type), LINE: cv.lines,
    })  # fmt: skip
    any_static = pc.or_kleene(pc.is_valid(raw["name"]), pc.is_valid(raw["imo"]))
    any_static = pc.or_(pc.fill_null(any_static, False), pc.is_valid(raw["callsign"]))
    raw = raw.filter(pc.and_(pc.and_(any_static, ok), pc.is_valid(mmsi)))
    raw_keys = ["mmsi", "imo", "name", "callsign", "ship_type", "destination", "draught",
                "msg_type"]  # fmt: skip
    raw = raw.group_by(raw_keys, use_threads=False).aggregate([("ts", "min"), (LINE, "min")])
    imo_raw = pc.replace_substring_regex(raw["imo"], r"^IMO\s*", "")
    # Kept as broadcast (even with a bad check digit: identity checks need it); 0 = not available.
    imo = pc.if_else(pc.match_substring_regex(imo_raw, r"^0*[1-9]\d{0,9}$"), imo_raw, None)
    ship_type = pc.if_else(pc.match_substring_regex(raw["ship_type"], r"^\d+(\.0)?$"),
                           raw["ship_type"], None)  # fmt: skip
    draught = pc.if_else(pc.match_substring_regex(raw["draught"], r"^\d+(\.\d+)?$"),
                         raw["draught"], None)  # fmt: skip
    table = pa.table({
        "mmsi": raw["mmsi"], "ts": raw["ts_min"], "imo": pc.cast(imo, I64),
        "name": raw["name"], "callsign": raw["callsign"],
        "ship_type": pc.cast(pc.cast(ship_type, F64), I32, safe=False),
        "destination": raw["destination"],
        "draught": pc.multiply(pc.cast(draught, F64), cs.draught_scale),
        "msg_type": pc.cast(raw["msg_type"], I32), LINE: raw[f"{LINE}_min"],
    })  # fmt: skip
    keys = ["mmsi", "imo", "name", "callsign", "ship_type", "destination", "msg_type"]
    table = table.group_by(keys, use_threads=False).aggregate(
        [("ts", "min"), (LINE, "min"), ("draught", "max")]
    )
    table = table.rename_columns(
        [
            {"ts_min": "ts", f"{LINE}_min": LINE, "draught_max": "draught"}.get(c, c)
            for c in table.column_names
        ]
    )
    return table.append_column("source", pa.repeat(pa.scalar(cs.name), table.num_rows))


def read_ais_csv(
    path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    cs = detect_column_set(path)
    if cs is GENERIC:
        check_columns(path, read_header(path), GENERIC_REQUIRED, GENERIC_OPTIONAL)
    if cs.ts_format and cs.zone is None and options.assume_timezone is None:
        raise InvalidInputError(
            f"{path.name}: {cs.name} timestamps carry no time zone; give --assume-timezone "
            "(e.g. UTC) if you know it"
        )
    # Only the columns the set maps are parsed (Spire-style exports have 150): rejects then show
    # those columns of the record.
    used = [getattr(cs, f.name) for f in fields(cs) if f.name not in ("name", "signature",
            "ts_format", "zone", "track_prefix", "draught_scale")]  # fmt: skip
    for part in csv_batches(path, progress, include=[c for c in used if c]):
        # Converting is left to the pipeline's workers: this thread goes on parsing.
        yield partial(_convert, cs, part, options)


def _convert(cs: ColumnSet, part: CsvBatch, options: IngestOptions) -> Chunk:
    cv = Converter(part.batch, part.lines)
    positions = _positions(cs, cv, options)
    if cs.msg_type:
        # Spire-style exports mix every message type: static rows (5, 24) carry no position,
        # and base stations, aids to navigation, binary messages are no vessel's position.
        mtype = cv.raw(cs.msg_type)
        is_static = pc.fill_null(pc.is_in(mtype, pa.array(STATIC_TYPES)), False)
        is_vessel = pc.fill_null(pc.is_in(mtype, pa.array(VESSEL_POSITION_TYPES)), False)
        cv.reason = pc.if_else(is_static, pa.scalar(None, pa.string()), cv.reason)
        other = pc.binary_join_element_wise(
            "message type ", pc.fill_null(mtype, "?"),
            " is neither a vessel position report nor static data", "",
        )  # fmt: skip
        cv.reason = pc.if_else(pc.or_(is_static, is_vessel), cv.reason, other)
        kept = positions.filter(pc.and_(cv.ok, pc.invert(is_static)))
    else:
        kept = cv.passed(positions)
    tables = {POSITIONS.name: kept}
    if cs.name_col:
        ok = pc.fill_null(cv.ok, False)
        tables[VESSEL_STATIC.name] = _static(cs, cv, positions["ts"], positions["mmsi"], ok)
    return Chunk(tables=tables, rejects=part.rejects + cv.rejects())
