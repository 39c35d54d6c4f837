"""Vessel itineraries as data (knots in time) and their AIS reports, vectorised per vessel.

An itinerary is a list of knots — (time, lon, lat, speed, nav status, offshore km) — built from
port stays, anchorage waits and sea legs along ``searoute`` lanes. Reports are then sampled at
the vessel's interval and interpolated between knots with numpy, so a vessel-month of one-minute
reports costs a few array operations, not tens of thousands of Python objects.

Coverage model (documented in docs/exercise.md): within ``TERRESTRIAL_KM`` of a port, terrestrial
receivers hear every report; farther out only satellite AIS does, about one report per
``SATELLITE_S``; receivers also have outages. Those gaps are innocent — the going-dark scheme
has to stand out against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from accord.exercise import geo

KNOT_KMH = 1.852
TERRESTRIAL_KM = 120.0
SATELLITE_S = 1200.0
UNDERWAY, AT_ANCHOR, MOORED = 0, 1, 5


@dataclass
class Identity:
    """What a vessel's transponder says from ``since`` (epoch seconds) on."""

    since: float
    mmsi: int
    name: str
    imo: int | None
    callsign: str
    ship_type: int
    destination: str = ""


@dataclass
class Plan:
    """One vessel's itinerary, its transponder identities and the windows it transmits nothing."""

    identities: list[Identity]
    t: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    sog: list[float] = field(default_factory=list)
    status: list[int] = field(default_factory=list)
    offshore: list[float] = field(default_factory=list)
    dark: list[tuple[float, float]] = field(default_factory=list)
    #: Report interval in seconds (class A downsampled archives: about a minute).
    interval: float = 60.0
    #: Reports in these windows are written whatever the coverage (scheme evidence must exist).
    always_heard: list[tuple[float, float]] = field(default_factory=list)

    @property
    def now(self) -> float:
        return self.t[-1]

    @property
    def here(self) -> tuple[float, float]:
        return self.lon[-1], self.lat[-1]

    def start(self, t: float, lon: float, lat: float) -> Plan:
        self._knot(t, lon, lat, 0.0, MOORED, 0.0)
        return self

    def _knot(
        self, t: float, lon: float, lat: float, sog: float, status: int, offshore: float
    ) -> None:
        self.t.append(t)
        self.lon.append(lon)
        self.lat.append(lat)
        self.sog.append(sog)
        self.status.append(status)
        self.offshore.append(offshore)

    def stay(self, seconds: float, status: int = MOORED, offshore: float = 0.0) -> Plan:
        """Stay put (moored, or at anchor / loitering offshore)."""
        lon, lat = self.here
        self.status[-1] = status
        self.sog[-1] = 0.0
        self.offshore[-1] = offshore
        self._knot(self.now + seconds, lon, lat, 0.0, status, offshore)
        return self

    def sail(
        self,
        to: tuple[float, float],
        knots: float,
        *,
        lane: bool = True,
        offshore_at_end: bool = False,
    ) -> Plan:
        """Sail to ``to`` (lon, lat) at ``knots``: along sea lanes, or straight for short hops."""
        r = (
            geo.route(self.here, to)
            if lane
            else geo._polyline([self.here[0], to[0]], [self.here[1], to[1]])
        )
        speed_kmh = knots * KNOT_KMH
        self.sog[-1], self.status[-1] = knots, UNDERWAY
        t0, total = self.now, max(r.length, 1e-3)
        for i in range(1, len(r.km)):
            done = float(r.km[i])
            left = total if offshore_at_end else total - done
            self._knot(
                t0 + done / speed_kmh * 3600,
                float(r.lon[i]),
                float(r.lat[i]),
                knots,
                UNDERWAY,
                min(done, left),
            )
        return self

    def identity_at(self, times: np.ndarray) -> np.ndarray:
        """Index into ``identities`` in force at each time."""
        since = np.array([i.since for i in self.identities])
        return np.clip(np.searchsorted(since, times, side="right") - 1, 0, None)


@dataclass
class Reports:
    """Sampled AIS reports of one or more vessels, as columns."""

    ts: np.ndarray  # int64 epoch seconds
    lon: np.ndarray
    lat: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    status: np.ndarray
    ident: np.ndarray  # index into the global identity table
    static: np.ndarray  # bool: this report also carries the static columns

    def __len__(self) -> int:
        return len(self.ts)


def _in_windows(t: np.ndarray, windows: list[tuple[float, float]]) -> np.ndarray:
    mask = np.zeros(len(t), bool)
    for a, b in windows:
        mask |= (t >= a) & (t < b)
    return mask


def sample(
    plan: Plan, rng: np.random.Generator, t_start: float, t_end: float, ident_offset: int
) -> Reports:
    """The reports receivers hear from ``plan`` between ``t_start`` and ``t_end``."""
    kt = np.asarray(plan.t)
    a, b = max(t_start, kt[0]), min(t_end, kt[-1])
    n = max(int((b - a) / plan.interval), 0)
    jitter = rng.uniform(-0.3, 0.3, n) * plan.interval
    t = np.round(a + np.arange(n) * plan.interval + jitter + plan.interval / 2)
    # Only the distance offshore is needed to know what receivers hear (about a quarter of the
    # slots at sea); position, speed and status are interpolated for the heard reports only.
    off = np.interp(t, kt, plan.offshore)
    heard = (off <= TERRESTRIAL_KM) | (rng.random(n) < plan.interval / SATELLITE_S)
    if rng.random() < 0.3:  # a receiver outage of 2-10 h somewhere in the period
        o = rng.uniform(a, b)
        heard &= ~((t >= o) & (t < o + rng.uniform(7200, 36000)))
    heard |= _in_windows(t, plan.always_heard)
    heard &= ~_in_windows(t, plan.dark)
    t = t[heard]
    lon = np.interp(t, kt, plan.lon)
    lat = np.interp(t, kt, plan.lat)
    # Step functions: the speed and status of the segment a report falls in.
    seg = np.clip(np.searchsorted(kt, t, side="right") - 1, 0, len(kt) - 1)
    sog = np.asarray(plan.sog)[seg]
    status = np.asarray(plan.status)[seg]
    cog: np.ndarray = np.empty(len(t))
    if len(t) > 1:
        cog[:-1] = geo.track_bearing(lon, lat)
        cog[-1] = cog[-2]
    elif len(t):
        cog[:] = 0.0
    moving = sog > 0.5
    noise = rng.normal(0, 1, len(t))
    sog = np.where(moving, np.round(sog + noise * 0.3, 1), np.round(np.abs(noise) * 0.1, 1))
    cog = np.round(np.where(moving, cog, rng.uniform(0, 360, len(t))), 1)
    heading = np.round(np.where(moving, (cog + noise * 2) % 360, cog)).astype(np.int64) % 360
    ident = plan.identity_at(t) + ident_offset
    # Static and voyage data (type 5) is broadcast every 6 minutes; archives keep ~1 in 30 reports.
    static = rng.random(len(t)) < max(plan.interval / 1800, 0.02)
    if len(t):
        static[0] = True
        static[1:] |= ident[1:] != ident[:-1]
    return Reports(
        t.astype(np.int64),
        np.round(lon, 5),
        np.round(lat, 5),
        sog,
        cog,
        heading,
        status.astype(np.int64),
        ident.astype(np.int64),
        static,
    )


def concat(parts: list[Reports]) -> Reports:
    return Reports(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in Reports.__dataclass_fields__)
    )


def background_plan(
    rng: np.random.Generator,
    identity: Identity,
    lane: tuple[str, str],
    t0: float,
    t1: float,
    interval: float,
) -> Plan:
    """A vessel shuttling along its lane: legs, anchorage waits, port stays.

    Innocent look-alikes it produces: waits at anchorage a few km off a port (loitering, often
    next to other waiting vessels, as in STS transfers), and in ~10% of port calls the crew
    switches AIS off while moored (a gap near the coast, like going dark).
    """
    ports = geo.ports()
    here, there = (
        (ports[lane[0]], ports[lane[1]]) if rng.random() < 0.5 else (ports[lane[1]], ports[lane[0]])
    )
    knots = float(rng.uniform(10, 15))
    plan = Plan([identity], interval=interval)
    plan.start(t0 - float(rng.uniform(0, 10 * 86400)), here.lon, here.lat)
    plan.stay(float(rng.uniform(0, 2 * 86400)))
    while plan.now < t1:
        if rng.random() < 0.3:
            anchorage = geo.offset(there.lon, there.lat, *rng.uniform(-12, 12, 2))
            plan.sail(anchorage, knots)
            plan.stay(float(rng.uniform(6, 48) * 3600), AT_ANCHOR, offshore=10.0)
            plan.sail((there.lon, there.lat), 6.0, lane=False)
        else:
            plan.sail((there.lon, there.lat), knots)
        stay_from = plan.now
        plan.stay(float(rng.uniform(12, 60) * 3600))
        if rng.random() < 0.1:
            plan.dark.append((stay_from + 1800, plan.now - 1800))
        here, there = there, here
    return plan
