"""Encounters (possible ship-to-ship transfers) and contacts with listed or shadow-fleet vessels.

As GFW does, tracks are first resampled to a common time grid (``slot_minutes``) by linear
interpolation between consecutive positions, so that two vessels reporting at different moments
can be compared; only slow steps are resampled, since both vessels must be under 2 knots. Pairs
are then found per slot with an equi-join on a latitude band (0.01°, wider than 500 m) against
the other vessels' slots spread over the neighbouring bands, then the exact distance. Runs of
consecutive slots of one pair (gaps-and-islands) are the encounters.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import pyarrow as pa

from accord.indicators.evaluation import Context, Events, evaluator
from accord.indicators.vessel.tracks import haversine_m, near_ports, track_steps

LOOKBACK = timedelta(hours=48)
BAND_DEG = 0.01  # ≈ 1.1 km of latitude: a vessel within 500 m is in the same or next band


def slow_slots(ctx: Context, slot_s: int, max_kn: float, max_interp_h: float) -> ibis.Table:
    """``(track_id, mmsi, slot, lat, lon)`` for each grid instant inside a slow step."""
    s = track_steps(ctx, LOOKBACK)
    s = s.filter(s.implied_kn < max_kn, s.dt_s > 0, s.dt_s <= int(max_interp_h * 3600))
    prev_t = s.t_s - s.dt_s
    # Slots k with prev_t <= k*S < t: each grid instant belongs to exactly one step.
    first = (prev_t + (slot_s - 1)) // slot_s
    last = (s.t_s + (slot_s - 1)) // slot_s
    s = s.mutate(_slot=ibis.range(first, last, 1).unnest())
    frac = (s._slot * slot_s - prev_t).cast("float64") / s.dt_s.cast("float64")
    return s.select(
        track_id=s.track_id,
        mmsi=s.mmsi,
        slot=s._slot,
        lat=s.prev_lat + (s.lat - s.prev_lat) * frac,
        lon=s.prev_lon + (s.lon - s.prev_lon) * frac,
    )


def pairs(ctx: Context) -> ibis.Table:
    """Encounter candidates: every pair of tracks close for ``min_duration_hours``."""
    slot_s = int(ctx.num("slot_minutes") * 60)
    slots = slow_slots(ctx, slot_s, ctx.num("max_speed_knots"), ctx.num("max_interpolation_hours"))
    slots = slots.mutate(band=(slots.lat / BAND_DEG).floor().cast("int64"))
    a = slots
    spread = [
        slots.select(
            o_track=slots.track_id,
            o_mmsi=slots.mmsi,
            o_slot=slots.slot,
            o_band=slots.band + d,
            o_lat=slots.lat,
            o_lon=slots.lon,
        )
        for d in (-1, 0, 1)
    ]
    b = ibis.union(*spread)
    j = a.inner_join(b, [a.slot == b.o_slot, a.band == b.o_band, a.track_id < b.o_track])
    j = j.mutate(dist_m=haversine_m(j.lat, j.lon, j.o_lat, j.o_lon))
    j = j.filter(j.dist_m <= ctx.num("max_distance_m"))
    w = ibis.window(group_by=[j.track_id, j.o_track], order_by=j.slot)
    j = j.mutate(island=j.slot - ibis.row_number().over(w))
    g = j.group_by(["track_id", "o_track", "island"]).aggregate(
        mmsi=j.mmsi.max(),
        other_mmsi=j.o_mmsi.max(),
        first_slot=j.slot.min(),
        last_slot=j.slot.max(),
        lat=((j.lat + j.o_lat) / 2).mean(),
        lon=((j.lon + j.o_lon) / 2).mean(),
        median_distance_m=j.dist_m.median(),
        min_distance_m=j.dist_m.min(),
    )
    g = g.mutate(
        start=_from_epoch(g.first_slot * slot_s),
        end=_from_epoch(g.last_slot * slot_s),
        duration_hours=((g.last_slot - g.first_slot) * slot_s).cast("float64") / 3600.0,
    )
    g = g.filter(g.duration_hours >= ctx.num("min_duration_hours"))
    return g.rename(other_track_id="o_track").drop("island", "first_slot", "last_slot")


def _from_epoch(seconds: Any) -> Any:
    return seconds.cast("int64").as_timestamp("s").cast("timestamp('UTC')")


def _away_from_anchorages(ctx: Context, g: ibis.Table, min_km: float) -> ibis.Table:
    if min_km <= 0:
        return g
    near = near_ports(ctx, g.select("track_id", "other_track_id", "start", "lat", "lon"), min_km)
    near = near.select("track_id", "other_track_id", "start").distinct()
    return g.anti_join(near, ["track_id", "other_track_id", "start"])


METRICS = ("duration_hours", "median_distance_m", "min_distance_m")


@evaluator("vessel.encounters.encounters")
def encounters(ctx: Context) -> Events:
    """Two vessels within 500 m for >= 2 h, both < 2 kn, >= 10 km from an anchorage (GFW)."""
    g = _away_from_anchorages(ctx, pairs(ctx), ctx.num("min_anchorage_km"))
    g = g.mutate(score=(g.duration_hours / 8.0).clip(lower=0.4, upper=1.0))
    return Events(g, metrics=METRICS, score="score", pair=True)


def watchlist_mmsis(ctx: Context) -> ibis.Table:
    """``(w_mmsi, w_imo, w_source)``: MMSIs of vessels on a watchlist or a sanctions list.

    IMO numbers come from the registry rows whose source is a watchlist (e.g. the GUR register)
    and from the operational store's listed vessels; MMSIs from AIS static data and the registry.
    """
    reg = ctx.table("vessel_registry")
    cond = ibis.literal(False)
    for prefix in ctx.codes("watchlist_sources"):
        cond = cond | reg.source.startswith(prefix)
    watched = reg.filter(cond, reg.imo.notnull()).select(w_imo=reg.imo, w_source=reg.source)
    listed = ctx.memtable(
        "listed_imos",
        lambda: pa.table(
            {
                "w_imo": pa.array(sorted(ctx.listed_imos), pa.int64()),
                "w_source": pa.array(["sanctions list"] * len(ctx.listed_imos), pa.string()),
            }
        ),
    )
    imos = ibis.union(watched, listed).distinct()
    static = ctx.table("vessel_static")
    ids = ibis.union(
        static.filter(static.imo.notnull(), static.mmsi.notnull()).select("mmsi", "imo"),
        reg.filter(reg.imo.notnull(), reg.mmsi.notnull()).select("mmsi", "imo"),
    ).distinct()
    j = ids.inner_join(imos, ids.imo == imos.w_imo)
    return j.group_by(w_mmsi=j.mmsi).aggregate(w_imo=j.w_imo.min(), w_source=j.w_source.min())


@evaluator("vessel.encounters.watchlist_contacts")
def watchlist_contacts(ctx: Context) -> Events:
    """Encounters in which at least one of the two vessels is listed or on a watchlist."""
    g = _away_from_anchorages(ctx, pairs(ctx), ctx.num("min_anchorage_km"))
    w = watchlist_mmsis(ctx)
    a = w.select(a_mmsi=w.w_mmsi, a_imo=w.w_imo, a_source=w.w_source)
    b = w.select(b_mmsi=w.w_mmsi, b_imo=w.w_imo, b_source=w.w_source)
    g = g.left_join(a, g.mmsi == a.a_mmsi).left_join(b, g.other_mmsi == b.b_mmsi)
    g = g.filter(g.a_imo.notnull() | g.b_imo.notnull())
    g = g.mutate(
        listed_imo=g.a_imo.fill_null(g.b_imo),
        listed_source=g.a_source.fill_null(g.b_source),
        score=ibis.literal(1.0),
    )
    g = g.drop("a_mmsi", "a_imo", "a_source", "b_mmsi", "b_imo", "b_source")
    return Events(g, metrics=(*METRICS, "listed_imo", "listed_source"), score="score", pair=True)
