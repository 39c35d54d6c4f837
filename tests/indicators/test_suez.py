"""The vessel indicators on the real Suez (Ever Given, March 2021) AIS file.

Expected gaps are computed here independently, with pandas over the CSV itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

from accord.analytics.store import AnalyticsStore, analytics_root
from accord.geo.shore import shore_distance_nm
from accord.indicators.catalogue import get_indicator
from accord.indicators.evaluation import Context, Window, get_evaluator
from accord.ingest.base import IngestOptions
from accord.ingest.kinds import get_kind
from accord.ingest.pipeline import ingest
from accord.settings import Settings
from tests.conftest import require_shared

SUEZ = "ais/suez_evergiven_boat_positions_202103.csv"
WINDOW = Window(datetime(2021, 3, 1, tzinfo=UTC), datetime(2021, 4, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def suez(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalyticsStore, pd.DataFrame]:
    path = require_shared(SUEZ)
    settings = Settings(data_dir=tmp_path_factory.mktemp("suez"))
    ingest(get_kind("ais"), [path], settings=settings, options=IngestOptions(assume_timezone="UTC"))
    df = pd.read_csv(path)
    df["ts"] = pd.to_datetime(df.ais_pos_timestamp, format="%d/%m/%Y %H:%M", utc=True)
    df = df.drop_duplicates(["ID", "ts", "latitude", "longitude"]).sort_values(["ID", "ts"])
    return AnalyticsStore(analytics_root(settings)), df


def _events(store: AnalyticsStore, indicator: str, **params: Any) -> pd.DataFrame:
    ind = get_indicator(indicator)
    ctx = Context(store, ind, WINDOW, ind.defaults() | params)
    return get_evaluator(ind.evaluator)(ctx).table.to_pandas()


def _gaps(df: pd.DataFrame, hours: float) -> pd.DataFrame:
    g = df.assign(next_ts=df.groupby("ID").ts.shift(-1))
    g = g.assign(
        next_lat=df.groupby("ID").latitude.shift(-1), next_lon=df.groupby("ID").longitude.shift(-1)
    )
    g["hours"] = (g.next_ts - g.ts).dt.total_seconds() / 3600
    return g[g.hours >= hours]


@pytest.mark.parametrize(("hours", "gaps", "vessels"), [(6, 143, 96), (12, 53, 48)])
def test_raw_gaps_match_independent_count(
    suez: tuple[AnalyticsStore, pd.DataFrame], hours: float, gaps: int, vessels: int
) -> None:
    store, df = suez
    expected = _gaps(df, hours)
    found = _events(store, "vessel.ais_gap", min_gap_hours=hours)
    assert (len(expected), expected.ID.nunique()) == (gaps, vessels)  # SOURCES.md figures
    want = {(f"vesselsvalue:{i}", t) for i, t in zip(expected.ID, expected.ts, strict=True)}
    got = {(k, pd.Timestamp(t)) for k, t in zip(found.track_id, found.start, strict=True)}
    assert got == want


def test_suspected_disabling_applies_shore_and_density(
    suez: tuple[AnalyticsStore, pd.DataFrame],
) -> None:
    store, df = suez
    gaps = _gaps(df, 12)
    keep = []
    for row in gaps.itertuples():
        own = df[(df.ID == row.ID) & (df.ts <= row.ts)]
        n12 = int((own.ts >= row.ts - pd.Timedelta(hours=12)).sum())
        dense = n12 * min(row.hours, 48) / 12 >= 20
        offshore = min(
            shore_distance_nm(row.latitude, row.longitude),
            shore_distance_nm(row.next_lat, row.next_lon),
        )
        keep.append(dense and offshore > 50)
    found = _events(store, "vessel.ais_disabling")
    assert len(found) == int(np.sum(keep))
    # Every Suez gap starts in the canal or its anchorages: none is 50 nm offshore.
    assert len(found) == 0


def test_encounter_hand_checked(suez: tuple[AnalyticsStore, pd.DataFrame]) -> None:
    """Vessels 143 and 146 lie within metres of each other, stopped, for hours on three days
    (checked by hand: their raw positions in each interval are < 500 m apart)."""
    store, df = suez
    found = _events(store, "vessel.encounter")
    pair = found[
        (found.track_id == "vesselsvalue:143") & (found.other_track_id == "vesselsvalue:146")
    ]
    assert len(pair) == 3
    for ev in pair.itertuples():
        a = df[(df.ID == 143) & df.ts.between(ev.start, ev.end)]
        b = df[(df.ID == 146) & df.ts.between(ev.start, ev.end)]
        assert len(a) and len(b)
        lat_m = (a.latitude.mean() - b.latitude.mean()) * 111_320
        lon_m = (a.longitude.mean() - b.longitude.mean()) * 111_320 * np.cos(np.radians(30))
        assert np.hypot(lat_m, lon_m) < 500
        assert ev.duration_hours >= 2


def test_loitering_hand_checked(suez: tuple[AnalyticsStore, pd.DataFrame]) -> None:
    """No Suez vessel loiters 20 nm offshore (the canal is narrow); with the shore condition
    off, each stretch found is >= 4 h of raw steps all under 2 knots."""
    store, df = suez
    assert len(_events(store, "vessel.loitering")) == 0
    found = _events(store, "vessel.loitering", min_shore_nm=0)
    assert len(found) > 0
    for ev in found.head(5).itertuples():
        vid = int(ev.track_id.split(":")[1])
        own = df[(df["ID"] == vid) & df.ts.between(ev.start, ev.end)]
        dt_h = own.ts.diff().dt.total_seconds().iloc[1:] / 3600
        d_nm = np.hypot(
            own.latitude.diff().iloc[1:] * 60,
            own.longitude.diff().iloc[1:] * 60 * np.cos(np.radians(own.latitude.iloc[1:])),
        )
        assert (ev.end - ev.start).total_seconds() >= 4 * 3600
        assert ((d_nm / dt_h) < 2.05).all()
