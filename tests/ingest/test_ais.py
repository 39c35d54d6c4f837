"""AIS: every real file in ../shared/data/ais, counts checked against SOURCES.md and by hand."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accord.analytics.store import AnalyticsStore
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest, rejects, write

VESSEL_POSITION_TYPES = {"1", "2", "3", "18", "19", "27"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_suez_positions(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/suez_evergiven_boat_positions_202103.csv")
    summary = run("ais", path, assume_timezone="UTC").files[0]
    rows = _rows(path)
    distinct = {(r["ID"], r["ais_pos_timestamp"], r["longitude"], r["latitude"]) for r in rows}
    # SOURCES.md: 22,287 positions of 256 vessels; the file repeats some rows verbatim.
    assert len(rows) == 22_287
    assert (summary.accepted, summary.duplicate, summary.rejected) == (
        len(distinct),
        22_287 - len(distinct),
        0,
    )
    pos = store.table("positions")
    assert pos.track_id.nunique().execute() == 256
    first = pos.filter(pos.track_id == "vesselsvalue:1").order_by("ts").limit(1).execute()
    assert first.ts[0].to_pydatetime() == datetime(2021, 3, 20, 0, 22, tzinfo=UTC)
    assert (first.lon[0], first.lat[0]) == (32.32925, 31.4386)
    assert str(pos.ts.min().execute().date()) == "2021-03-20"
    assert pos.ts.max().execute().to_pydatetime() == datetime(2021, 3, 24, 12, 52, tzinfo=UTC)


def test_suez_needs_a_time_zone(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/suez_evergiven_boat_positions_202103.csv")
    summary = run("ais", path).files[0]
    assert summary.status == "failed" and "assume-timezone" in (summary.error or "")
    assert store.table("positions").count().execute() == 0


def test_pyais_sample_every_line_accounted(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/pyais_nmea_data_sample.txt")
    summary = run("ais", path).files[0]
    # SOURCES.md: 778 decodable messages, 100 that are not (empty payloads). Twenty more lines
    # are first halves of two-part messages whose second half is missing.
    assert summary.accepted + summary.duplicate == 778
    reasons = Counter(r["reason"] for r in rejects(summary.rejects_path))
    assert reasons == {"empty payload": 100,
                       "incomplete multi-sentence message: 1 of 2 fragments": 20}  # fmt: skip
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    assert summary.accepted + summary.duplicate + summary.rejected == len(lines) == 898
    # Identical sentences without a time are one message: the duplicates are exact repeats.
    decodable = [ln for ln in lines if ",,0*2" not in ln and not ln.startswith("!AIVDM,2,")]
    assert summary.duplicate == len(decodable) - len(set(decodable))
    msgs = store.table("ais_messages")
    assert msgs.ts.isnull().all().execute()  # plain NMEA carries no time …
    assert store.table("positions").count().execute() == 0  # … so no position row


def test_tag_blocks(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/nmea_tagblock_20211101.nm4")
    summary = run("ais", path).files[0]
    assert (summary.accepted, summary.rejected) == (979, 0)  # SOURCES.md: 979 decoded
    msgs = store.table("ais_messages")
    assert msgs.mmsi.nunique().execute() == 843
    types = dict(msgs.group_by("msg_type").aggregate(n=msgs.count()).execute().values.tolist())
    assert {t: types[t] for t in (1, 27, 3, 18, 24)} == {1: 608, 27: 127, 3: 104, 18: 74, 24: 24}
    first = msgs.filter(msgs.source_line == 1).execute()
    assert first.ts[0].to_pydatetime() == datetime.fromtimestamp(1635731889, UTC)
    assert first.station[0] == "42809"


def test_receiver_metadata(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/nmea_timestamped_201201.nmea")
    summary = run("ais", path).files[0]
    assert (summary.accepted, summary.rejected) == (26, 0)
    msgs = store.table("ais_messages").order_by("source_line").execute()
    assert msgs.ts[0].to_pydatetime() == datetime.fromtimestamp(1325394060, UTC)
    assert msgs.station[0] == "r003669946"
    static = store.table("vessel_static").filter(lambda t: t.msg_type == 5).execute()
    assert (static.name[0], static.imo[0], static.destination[0]) == (
        "RUTH THERESA", 9383663, "BOSTON,USA")  # fmt: skip


def test_gatehouse_timestamps(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/pyais_timestamped.ais")
    assert run("ais", path).files[0].accepted == 4  # SOURCES.md: 4 decoded
    msgs = store.table("ais_messages").order_by("source_line").execute()
    stamped = msgs[msgs.ts.notna()]
    assert len(stamped) == 2
    assert stamped.ts.iloc[0].to_pydatetime() == datetime(2008, 5, 9, 0, 0, 0, 10_000, tzinfo=UTC)


def test_mixed_talkers(run: Ingest) -> None:
    path = require_shared("ais/pyais_mixed.txt")
    summary = run("ais", path).files[0]
    reasons = Counter(r["reason"].split(" 1")[0] for r in rejects(summary.rejects_path))
    # pyais decodes 13; one of them carries a tag block time of 12415440354 (year 2363): its
    # clock is broken, so it is rejected rather than stored at a made-up time.
    assert summary.accepted + summary.duplicate == 12
    assert reasons == {"not an NMEA sentence": 2, "implausible timestamp": 1}


def test_marinecadastre(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/marinecadastre_20230111_sample.csv")
    rows = _rows(path)
    summary = run("ais", path).files[0]  # BaseDateTime is documented as UTC
    assert (summary.accepted, summary.rejected) == (1000, 0)
    pos = store.table("positions").execute()
    assert pos.mmsi.nunique() == 1000
    assert pos.sog.isna().sum() == sum(r["SOG"] == "102.3" for r in rows)
    assert pos.heading.isna().sum() == sum(r["Heading"] in ("511", "511.0") for r in rows)
    static = store.table("vessel_static").execute()
    # 442 rows carry an IMO field (SOURCES.md); "IMO0000000" means none, the rest is kept as sent.
    assert sum(bool(r["IMO"]) for r in rows) == 442
    assert static.imo.notna().sum() == sum(r["IMO"] not in ("", "IMO0000000") for r in rows)
    msc = static[static.mmsi == 636021061].iloc[0]
    assert (msc["name"], msc["imo"], msc["callsign"]) == ("MSC NAISHA III", 9307839, "5LCB4")


def test_spire(run: Ingest, store: AnalyticsStore) -> None:
    path = require_shared("ais/spire_decoded_20210701.csv")
    rows = _rows(path)
    summary = run("ais", path).files[0]
    good = [r for r in rows if r["Message_ID"] in VESSEL_POSITION_TYPES
            and abs(float(r["Latitude"])) <= 90 and int(r["MMSI"]) > 0]  # fmt: skip
    assert summary.accepted == len(good) == 2360
    static_msgs = sum(r["Message_ID"] in ("5", "24") for r in rows)
    assert summary.rejected == len(rows) - len(good) - static_msgs
    static = store.table("vessel_static")
    assert static.filter(static.msg_type.isin([5, 24])).count().execute() > 0
    zonda = static.filter(static.imo == 9436472).execute().iloc[0]
    assert (zonda["name"], zonda["draught"]) == ("GH ZONDA", pytest.approx(8.7))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2025-03-01T00:00:00Z,91,10,352000001", "lat: '91' is outside -90..90"),
        ("2025-03-01T00:00:00Z,10,181,352000001", "lon: '181' is outside -180..180"),
        (
            "2025-03-01T00:00:00,10,10,352000001",
            "timestamp: '2025-03-01T00:00:00' has no time zone",
        ),
        ("2025-02-30T00:00:00Z,10,10,352000001", "is not a valid timestamp"),
        ("2025-03-01T00:00:00Z,ten,10,352000001", "lat: 'ten' is not a number"),
        ("2025-03-01T00:00:00Z,10,10,", "no vessel identifier"),
        ("2025-03-01T00:00:00Z,10,10", "3 fields where the header has 4"),
    ],
)
def test_bad_positions(run: Ingest, tmp_path: Path, row: str, reason: str) -> None:
    good = "2025-03-01T00:00:00Z,10,10,352000001"
    path = write(tmp_path / "p.csv", f"timestamp,lat,lon,mmsi\n{good}\n{row}\n{good[:-1]}2\n")
    summary = run("ais", path).files[0]
    assert (summary.accepted, summary.rejected) == (2, 1)
    (bad,) = rejects(summary.rejects_path)
    assert reason in bad["reason"] and bad["line"] == "3" and bad["record"] == row


def test_assumed_zone_converts_to_utc(run: Ingest, store: AnalyticsStore, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "timestamp,lat,lon,mmsi\n2025-07-01T12:00:00,1,1,1\n")
    assert run("ais", path, assume_timezone="Europe/Riga").files[0].accepted == 1
    ts = store.table("positions").ts.execute()[0].to_pydatetime()
    assert ts == datetime(2025, 7, 1, 9, 0, tzinfo=UTC)  # Riga is UTC+3 in summer


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (["!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*24"], "checksum mismatch"),
        (["!AIVDM,1,1,,A,13HOI:0P0000VOH"],
         "malformed AIS sentence: b'!AIVDM,1,1,,A,13HOI:0P0000VOH'"),
        (["!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"],
         "incomplete multi-sentence message: 1 of 2 fragments"),
        (["!AIVDM,2,2,1,A,88888888880,2*25"], "fragment 2 of 2 without the fragments before it"),
        (["\\s:x,c:1635731889*00!AIVDM,1,1,,,403t>B1vFhQr5`NonbBw?>G00<0n,0*7B"],
         "tag block without its closing backslash"),
    ],
)  # fmt: skip
def test_truncated_nmea(run: Ingest, tmp_path: Path, lines: list[str], reason: str) -> None:
    good = "!AIVDM,1,1,,A,13HOI:0P0000VOHLCnHQKwvL05Ip,0*23"
    path = write(
        tmp_path / "t.nmea",
        "\n".join([good, *lines, "!AIVDM,1,1,,A,14eGrSPP00ncMJTO5C6aBwvP2D0?,0*7A"]) + "\n",
    )
    summary = run("ais", path).files[0]
    assert summary.accepted == 2
    assert [r["reason"] for r in rejects(summary.rejects_path)] == [reason] * len(lines)


def test_wrong_column_set(run: Ingest, tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "when,where\n2025-01-01,here\n")
    summary = run("ais", path).files[0]
    assert summary.status == "failed" and "wrong column set" in (summary.error or "")


def test_gzip_input(run: Ingest, tmp_path: Path) -> None:
    import gzip

    src = require_shared("ais/nmea_timestamped_201201.nmea")
    path = tmp_path / "day.nmea.gz"
    path.write_bytes(gzip.compress(src.read_bytes()))
    assert run("ais", path).files[0].accepted == 26
