"""AIS NMEA 0183 (``!AIVDM``/``!AIVDO``), decoded with pyais, one line at a time.

Accepted layouts, which may be mixed in one file:
* plain sentences;
* IEC 61162-450 tag blocks (``\\s:station,c:unix_time*hh\\!AIVDM…``) — ``c`` is UTC seconds;
* old USCG receiver metadata after the checksum (``…*hh,d-109,S2105,t050056.00,r003669946,
  1325394060``) — the first bare number after the station is the logger's UTC epoch (libais's
  reading of the format);
* Gatehouse ``$PGHP,1,yyyy,mm,dd,hh,mm,ss,ms,…`` sentences, whose UTC time stamps the next AIS
  sentence.
Multi-sentence messages are assembled by channel and sequence id here rather than with pyais's
stream, because its stream drops incomplete fragments silently, and every line must be accounted
for: an orphan fragment becomes a reject, as does an empty payload or a bad checksum. Other NMEA
talkers (``$GPGGA``…) and ``#`` comments are not AIS records and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
from pyais.messages import GatehouseSentence, NMEAMessage
from pyais.stream import NMEASentenceFactory  # type: ignore[attr-defined]

from accord.analytics.datasets import AIS_MESSAGES, POSITIONS, VESSEL_STATIC
from accord.ingest.base import LINE, Chunk, IngestOptions, Progress, Reject, open_input

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATIC_TYPES = frozenset({5, 24})
#: AIS began service around 2000; anything before 1995 or in the future is a broken clock.
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


@dataclass
class _Sentence:
    line: int
    text: str  # the sentence itself, without tag block or trailing metadata
    ts: datetime | None
    station: str | None
    msg: NMEAMessage


@dataclass
class _Rows:
    messages: list[dict[str, Any]] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)
    static: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)

    def chunk(self) -> Chunk:
        def table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
            schema = schema.append(pa.field(LINE, pa.int64()))
            return pa.Table.from_pylist(rows, schema=schema)

        return Chunk(
            tables={
                AIS_MESSAGES.name: table(self.messages, AIS_MESSAGES.data_schema),
                POSITIONS.name: table(self.positions, POSITIONS.data_schema),
                VESSEL_STATIC.name: table(self.static, VESSEL_STATIC.data_schema),
            },
            rejects=self.rejects,
        )


def _epoch(value: str | float | int | None, max_ts: datetime) -> datetime | None:
    if value is None or value == "":
        return None
    seconds = float(value)
    if seconds > 1e11:  # some receivers write the tag block time in milliseconds
        seconds /= 1000
    ts = datetime.fromtimestamp(seconds, UTC)
    if not EARLIEST <= ts <= max_ts:
        raise ValueError(f"implausible timestamp {value}")
    return ts


def _split_metadata(sentence: str) -> tuple[str, str | None, str | None]:
    """Cut USCG metadata off a sentence: (sentence, station, epoch)."""
    star = sentence.find("*")
    if star < 0 or len(sentence) <= star + 3:
        return sentence, None, None
    head, tail = sentence[: star + 3], sentence[star + 3 :]
    station = epoch = None
    for part in tail.split(",")[1:]:
        if part[:1] in ("r", "R", "b", "B") and station is None:
            station = part
        elif part.isdigit() and station is not None and epoch is None:
            epoch = part
    return head, station, epoch


class _Decoder:
    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], list[_Sentence]] = {}
        self.gatehouse_ts: datetime | None = None
        self.max_ts = datetime.now(UTC) + timedelta(days=1)

    def line(self, number: int, raw: str, rows: _Rows) -> None:
        text = raw.strip()
        if not text or text.startswith("#"):
            return
        try:
            sentence = self._parse(number, text)
        except ValueError as exc:
            rows.rejects.append(Reject(number, str(exc), text))
            return
        if sentence is None:
            return
        msg = sentence.msg
        if msg.frag_cnt == 1:
            self._emit([sentence], rows)
            return
        key = (msg.channel or "", str(msg.seq_id or ""))
        parts = self.pending.get(key)
        if msg.frag_num == 1:
            if parts:
                self._orphans(parts, rows)
            self.pending[key] = [sentence]
            return
        if not parts or parts[-1].msg.frag_num != msg.frag_num - 1:
            rows.rejects.append(Reject(number, f"fragment {msg.frag_num} of {msg.frag_cnt} "
                                       "without the fragments before it", text))  # fmt: skip
            return
        parts.append(sentence)
        if msg.frag_num == msg.frag_cnt:
            del self.pending[key]
            self._emit(parts, rows)

    def finish(self, rows: _Rows) -> None:
        for parts in self.pending.values():
            self._orphans(parts, rows)
        self.pending.clear()

    def _orphans(self, parts: list[_Sentence], rows: _Rows) -> None:
        total = parts[0].msg.frag_cnt
        for p in parts:
            rows.rejects.append(
                Reject(
                    p.line,
                    f"incomplete multi-sentence message: {len(parts)} of {total} fragments",
                    p.text,
                )
            )

    def _parse(self, number: int, text: str) -> _Sentence | None:
        tag_ts = station = None
        body = text
        if text.startswith("\\"):
            end = text.find("\\", 1)
            if end < 0:
                raise ValueError("tag block without its closing backslash")
            tags = dict(t.split(":", 1) for t in text[1:end].split("*")[0].split(",") if ":" in t)
            tag_ts = _epoch(tags.get("c"), self.max_ts)
            station = tags.get("s")
            body = text[end + 1 :]
        if body.startswith("$"):
            if body.startswith("$PGHP"):
                gh = NMEASentenceFactory.produce(body.encode())
                if isinstance(gh, GatehouseSentence):
                    stamp = gh.timestamp.replace(tzinfo=UTC)
                    self.gatehouse_ts = stamp if EARLIEST <= stamp <= self.max_ts else None
            return None  # other talkers' sentences are not AIS records
        if not body.startswith("!"):
            raise ValueError("not an NMEA sentence")
        body, uscg_station, uscg_epoch = _split_metadata(body)
        try:
            msg = NMEAMessage(body.encode())
        except Exception as exc:  # pyais raises several unrelated types for malformed input
            raise ValueError(f"malformed AIS sentence: {exc}") from None
        if not msg.is_valid:
            raise ValueError("checksum mismatch")
        ts = tag_ts or _epoch(uscg_epoch, self.max_ts) or self.gatehouse_ts
        self.gatehouse_ts = None
        return _Sentence(number, body, ts, station or uscg_station, msg)

    def _emit(self, parts: list[_Sentence], rows: _Rows) -> None:
        first = parts[0]
        raw = "\n".join(p.text for p in parts)
        try:
            msg = (
                first.msg
                if len(parts) == 1
                else NMEAMessage.assemble_from_iterable([p.msg for p in parts])
            )
            decoded = msg.decode().asdict()
        except Exception as exc:  # pyais's decode errors share no base class worth naming
            reason = "empty payload" if not first.msg.payload else f"cannot decode: {exc}"
            for p in parts:
                rows.rejects.append(Reject(p.line, reason, p.text))
            return
        mtype = int(decoded.get("msg_type") or 0)
        # MMSI 0 is not a station: kept in the message as broadcast, but never a track.
        raw_mmsi = decoded.get("mmsi")
        mmsi = int(raw_mmsi) if isinstance(raw_mmsi, int) else None
        base = {"ts": first.ts, "mmsi": mmsi, "msg_type": mtype, LINE: first.line}
        rows.messages.append(
            {
                **base,
                "channel": first.msg.channel or None,
                "station": first.station,
                "raw": raw,
                "fields": orjson.dumps(decoded, default=str).decode(),
            }
        )
        if mtype in POSITION_TYPES and first.ts is not None and mmsi:
            position = _position(decoded)
            if position is not None:
                rows.positions.append({**base, **position, "track_id": str(mmsi), "source": "nmea"})
        if mtype in STATIC_TYPES and mmsi:
            rows.static.append({**base, **_static(decoded), "source": "nmea"})


def _na(value: Any, *sentinels: float) -> float | None:
    if value is None:
        return None
    v = float(value)
    return None if v in sentinels else v


def _position(d: dict[str, Any]) -> dict[str, Any] | None:
    """Lat 91 / lon 181 mean "not available" in AIS: no position row then."""
    lat, lon = d.get("lat"), d.get("lon")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    mtype = d["msg_type"]
    return {
        "lat": float(lat),
        "lon": float(lon),
        "sog": _na(d.get("speed"), 102.3, 63.0) if mtype != 27 else _na(d.get("speed"), 63.0),
        "cog": _na(d.get("course"), 360.0) if mtype != 27 else _na(d.get("course"), 511.0),
        "heading": _na(d.get("heading"), 511.0),
        "nav_status": int(d["status"]) if d.get("status") is not None else None,
    }


def _clean(text: Any) -> str | None:
    value = str(text).replace("@", " ").strip() if text is not None else ""
    return value or None


def _static(d: dict[str, Any]) -> dict[str, Any]:
    ship_type = d.get("ship_type")
    return {
        "imo": int(d["imo"]) if d.get("imo") else None,
        "name": _clean(d.get("shipname")),
        "callsign": _clean(d.get("callsign")),
        "ship_type": int(ship_type) if ship_type is not None else None,
        "destination": _clean(d.get("destination")),
        "draught": _na(d.get("draught"), 0.0),
    }


def read_nmea(path: Path, options: IngestOptions, progress: Progress) -> Iterator[Chunk]:
    decoder = _Decoder()
    rows = _Rows()
    with open_input(path, progress) as fh:
        for number, raw in enumerate(fh, start=1):
            decoder.line(number, raw.decode("ascii", errors="replace"), rows)
            if len(rows.messages) + len(rows.rejects) >= options.batch_rows:
                yield rows.chunk()
                rows = _Rows()
    decoder.finish(rows)
    yield rows.chunk()
