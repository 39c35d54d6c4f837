"""AIS reports to files: the generic positions CSV for the bulk, NMEA with tag blocks for a share.

Each maritime node receives the reports inside its areas. A report goes either to the CSV or to
the NMEA file, never both (pyais's encoder costs ~60 µs a message, so NMEA is a sample that keeps
the decoder path exercised; ``background.nmea_share`` sets it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from pyais import encode_dict

from accord.exercise.output import Sinks, iso_times, take_text
from accord.exercise.scenario import Scenario
from accord.exercise.tracks import Identity, Reports

AIS_COLUMNS = [
    "timestamp",
    "mmsi",
    "lat",
    "lon",
    "sog",
    "cog",
    "heading",
    "nav_status",
    "imo",
    "name",
    "callsign",
    "ship_type",
    "destination",
]


@dataclass
class IdentityTable:
    """Every transponder identity of the world, as columns to take from."""

    mmsi: np.ndarray
    imo: pa.Array
    name: pa.Array
    callsign: pa.Array
    ship_type: np.ndarray
    destination: pa.Array
    rows: list[Identity]

    @classmethod
    def of(cls, identities: list[Identity]) -> IdentityTable:
        return cls(
            np.array([i.mmsi for i in identities], np.int64),
            pa.array([str(i.imo) if i.imo else None for i in identities], pa.string()),
            pa.array([i.name for i in identities], pa.string()),
            pa.array([i.callsign for i in identities], pa.string()),
            np.array([i.ship_type for i in identities], np.int64),
            pa.array([i.destination or None for i in identities], pa.string()),
            identities,
        )


def _tag_block(node: str, ts: int) -> str:
    body = f"s:{node},c:{ts}"
    check = 0
    for ch in body:
        check ^= ord(ch)
    return f"\\{body}*{check:02X}\\"


def _nmea(node: str, r: Reports, idx: np.ndarray, ids: IdentityTable) -> list[str]:
    lines = []
    for i in idx:
        ident = ids.rows[int(r.ident[i])]
        ts = int(r.ts[i])
        data: dict[str, str | int | float | bytes | bool] = {
            "type": 1,
            "mmsi": ident.mmsi,
            "lat": float(r.lat[i]),
            "lon": float(r.lon[i]),
            "speed": float(r.sog[i]),
            "course": float(r.cog[i]),
            "heading": int(r.heading[i]),
            "status": int(r.status[i]),
        }
        for sentence in encode_dict(data, sentence_type="VDM", radio_channel="A"):
            lines.append(_tag_block(node, ts) + sentence)
        if r.static[i]:
            static: dict[str, str | int | float | bytes | bool] = {
                "type": 5,
                "mmsi": ident.mmsi,
                "imo": ident.imo or 0,
                "shipname": ident.name[:20],
                "callsign": ident.callsign[:7],
                "ship_type": ident.ship_type,
                "destination": ident.destination[:20],
            }
            seq = ts % 10  # the sequential message id (0-9); from the report, not its batch
            for sentence in encode_dict(static, sentence_type="VDM", radio_channel="B", seq_id=seq):
                lines.append(_tag_block(node, ts) + sentence)
    return lines


def write_reports(
    scenario: Scenario, sinks: Sinks, r: Reports, ids: IdentityTable, nmea_pick: np.ndarray
) -> int:
    """Route reports to the nodes whose areas contain them, those ``nmea_pick`` picks as NMEA,
    the others as CSV rows; returns reports written."""
    written = 0
    areas = {a.name: a for a in scenario.areas}
    for node in scenario.nodes:
        inside = np.zeros(len(r), bool)
        for name in node.holds.get("ais", []):
            a = areas[name]
            inside |= (
                (r.lat >= a.lat[0])
                & (r.lat <= a.lat[1])
                & (r.lon >= a.lon[0])
                & (r.lon <= a.lon[1])
            )
        if not inside.any():
            continue
        csv_idx = np.flatnonzero(inside & ~nmea_pick)
        static = r.static[csv_idx]
        ident = r.ident[csv_idx]
        table = pa.table(
            {
                "timestamp": iso_times(r.ts[csv_idx]),
                "mmsi": ids.mmsi[ident],
                "lat": r.lat[csv_idx],
                "lon": r.lon[csv_idx],
                "sog": r.sog[csv_idx],
                "cog": r.cog[csv_idx],
                "heading": r.heading[csv_idx],
                "nav_status": r.status[csv_idx],
                "imo": take_text(ids.imo, ident, static),
                "name": take_text(ids.name, ident, static),
                "callsign": take_text(ids.callsign, ident, static),
                "ship_type": pa.array(ids.ship_type[ident], mask=~static),
                "destination": take_text(ids.destination, ident, static),
            }
        )
        sinks.csv(node.id, "ais", "positions.csv", AIS_COLUMNS).write(table)
        nmea_idx = np.flatnonzero(inside & nmea_pick)
        if len(nmea_idx):
            sinks.text(node.id, "ais", "feed.nmea").write(_nmea(node.id, r, nmea_idx, ids))
        written += len(csv_idx) + len(nmea_idx)
    return written
