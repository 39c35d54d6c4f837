"""Every vessel indicator on a seeded synthetic world: each scheme fires on its vessel, the
innocent transiting vessel raises nothing, and a rerun over the same window adds no alert."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from accord.alerts import storage
from accord.analytics.store import AnalyticsStore
from accord.geo.ports import get_port
from accord.indicators import overrides
from accord.indicators.engine import run_indicators
from accord.indicators.evaluation import Window
from accord.store.db import Store
from tests.indicators.factories import T0, write

MIN = timedelta(minutes=10)
LISTED_IMO = 9321483  # valid check digit (9·7+3·6+2·5+1·4+4·3+8·2 = 123 → 3)


def _track(track: str, mmsi: int, start, points, step=MIN, sog=None):  # type: ignore[no-untyped-def]
    return [
        {
            "track_id": track,
            "mmsi": mmsi,
            "ts": start + i * step,
            "lat": lat,
            "lon": lon,
            "sog": sog,
        }
        for i, (lat, lon) in enumerate(points)
    ]


def _line(lat0: float, lon0: float, dlon: float, n: int) -> list[tuple[float, float]]:
    return [(lat0, lon0 + i * dlon) for i in range(n)]


@pytest.fixture
def world(tmp_path: Path) -> AnalyticsStore:
    root = tmp_path / "analytics"
    rows = []
    # A (Russian MID) and B (a GUR-listed tanker) side by side, stopped 4 h in the Ionian Sea.
    rows += _track("273111111", 273111111, T0, [(35.0, 18.0 + i * 1e-5) for i in range(25)])
    rows += _track("636222222", 636222222, T0, [(35.0005, 18.0 + i * 1e-5) for i in range(25)])
    # C transits the Atlantic at ~10 kn, then is silent for 20 h, far from any shore.
    c = _line(40.0, -40.0, 0.036, 80)  # 0.036° of longitude at 40°N in 10 min ≈ 10 kn
    rows += _track("311333333", 311333333, T0, c)
    rows += _track(
        "311333333", 311333333, T0 + 79 * MIN + timedelta(hours=20), _line(40.0, -34.0, 0.036, 10)
    )
    # D seen only while stopped at Novorossiysk, 6 h, nothing before or after.
    nvs = get_port("RUNVS")
    rows += _track(
        "538444444", 538444444, T0 + timedelta(hours=2), [(nvs.lat + 0.003, nvs.lon)] * 37
    )
    # G seen only while stopped at Sevastopol, 6 h: a port of occupied Crimea, UA in the
    # gazetteer, watched by name (``sanctioned_ports``), not by country.
    svp = get_port("UASVP")
    assert svp.country == "UA"
    rows += _track(
        "538888888", 538888888, T0 + timedelta(hours=2), [(svp.lat + 0.003, svp.lon)] * 37
    )
    # E jumps 100 nm in an hour.
    rows += _track(
        "477555555", 477555555, T0, [(20.0, 60.0), (20.0, 61.75)], step=timedelta(hours=1)
    )
    # F: one MMSI in two places, alternating every other report.
    f = [(10.0 + i * 0.001, 65.0) if i % 2 == 0 else (13.0, 68.0) for i in range(14)]
    rows += _track("412666666", 412666666, T0, f)
    # H: innocent vessel crossing the Atlantic at 12 kn, reporting every 10 min for 12 h.
    rows += _track("244777777", 244777777, T0, _line(45.0, -30.0, 0.047, 72))
    write(root, "positions", rows)
    write(root, "vessel_static", [
        {"mmsi": 636222222, "ts": T0, "imo": LISTED_IMO, "name": "SHADOW ONE"},
        {"mmsi": 273111111, "ts": T0, "imo": 1234568, "name": "BAD IMO"},
        {"mmsi": 244777777, "ts": T0, "imo": 9074729, "name": "INNOCENT"},
    ])  # fmt: skip
    reg = [
        {"imo": LISTED_IMO, "name": "SHADOW ONE", "source": "list:gur_shadow_fleet_imo_names"},
        {"imo": 9074729, "name": "OLD NAME", "flag": "PA", "mmsi": 273111111,
         "valid_from": date(2023, 6, 1), "source": "registry"},
        {"imo": 9074729, "name": "NEW NAME", "flag": "LR", "mmsi": 273111111,
         "valid_from": date(2023, 11, 1), "source": "registry"},
        {"imo": 9074729, "name": "NEW NAME", "flag": "CM", "mmsi": 273111111,
         "valid_from": T0.date(), "source": "registry"},
    ]  # fmt: skip
    write(root, "vessel_registry", reg)
    return AnalyticsStore(root)


EXPECTED = {
    "vessel.encounter": {"273111111", "636222222"},
    "vessel.watchlist_contact": {"273111111", "636222222"},
    "vessel.loitering": {"273111111", "636222222"},
    "vessel.ais_gap": {"311333333"},
    "vessel.ais_disabling": {"311333333"},
    "vessel.dark_port_call": {"538444444", "538888888"},
    "vessel.port_call_sanctioned": {"538444444", "538888888"},
    "vessel.impossible_speed": {"477555555", "412666666"},
    "vessel.mmsi_spoofing": {"412666666"},
    "vessel.invalid_imo": {"273111111"},
    "vessel.mmsi_flag_mismatch": {"273111111"},
    "vessel.identity_change": {"273111111"},
    "vessel.flag_hopping": {"273111111"},
}


def test_every_scheme_detected_and_reruns_add_nothing(
    world: AnalyticsStore, store_url: str
) -> None:
    store = Store(store_url)
    window = Window(T0 - timedelta(days=1), T0 + timedelta(days=3))
    first = run_indicators(store, world, window)
    with store.reader() as session:
        fired: dict[str, set[str]] = {}
        for a in storage.list_alerts(session, limit=10_000):
            fired.setdefault(a.indicator.id, set()).update(s.id for s in a.subjects)
        total = storage.count_alerts(session)
    assert fired == EXPECTED
    assert all("244777777" not in ids for ids in fired.values())  # the innocent vessel
    second = run_indicators(store, world, window)
    with store.reader() as session:
        assert storage.count_alerts(session) == total
    assert sum(r.new_alerts for r in second) == 0
    assert sum(r.alerts for r in second) == sum(r.alerts for r in first) == total
    store.dispose()


def test_override_is_recorded_and_applied(world: AnalyticsStore, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'o.db'}")
    window = Window(T0 - timedelta(days=1), T0 + timedelta(days=3))
    with store.session() as session:
        overrides.set_override(
            session, "vessel.ais_gap", "min_gap_hours", "24", "analyst a", "too noisy here"
        )
    [r] = run_indicators(store, world, window, ids=["vessel.ais_gap"])
    assert r.alerts == 0 and r.overridden == ("min_gap_hours",)
    with store.session() as session:
        overrides.set_override(session, "vessel.ais_gap", "min_gap_hours", None, "b", "restore")
        report = overrides.history(session, "vessel.ais_gap")
    assert [(v.value, v.author) for v in report] == [(24, "analyst a"), (None, "b")]
    [r] = run_indicators(store, world, window, ids=["vessel.ais_gap"])
    assert r.alerts == 1 and r.overridden == ()
    store.dispose()


def test_impossible_speed_is_one_alert_per_track_and_day(
    world: AnalyticsStore, store_url: str
) -> None:
    """Each jump used to be its own alert; a spoofed identity flooded the queue."""
    store = Store(store_url)
    run_indicators(store, world, Window(T0 - timedelta(days=1), T0 + timedelta(days=3)))
    with store.reader() as session:
        alerts = [
            a
            for a in storage.list_alerts(session, limit=10_000)
            if a.indicator.id == "vessel.impossible_speed"
        ]
    store.dispose()
    days = [(a.subjects[0].id, a.window.end.date()) for a in alerts]
    assert alerts and len(days) == len(set(days))
    assert all(a.evidence.metrics["jumps"] >= 1 for a in alerts)
    assert any(a.evidence.metrics["jumps"] > 1 for a in alerts)
