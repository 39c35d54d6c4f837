"""Ibis building blocks shared by the vessel indicators: distances, steps, shore and port joins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis

from accord.geo.ports import port_cells
from accord.geo.shore import CAP_NM, CELLS_PER_DEG, EARTH_RADIUS_M, NM_M, shore_table
from accord.indicators.evaluation import Context

KNOT_MS = NM_M / 3600.0


def haversine_m(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in metres between two points, as an Ibis expression."""
    dphi = (lat2 - lat1).radians()
    dlam = (lon2 - lon1).radians()
    a = (dphi / 2).sin() ** 2 + lat1.radians().cos() * lat2.radians().cos() * (dlam / 2).sin() ** 2
    # Rounding can push ``a`` a hair above 1 for antipodal points; asin would return NaN.
    return 2 * EARTH_RADIUS_M * a.clip(upper=1.0).sqrt().asin()


def epoch_s(ts: Any) -> Any:
    return ts.epoch_seconds().cast("int64")


#: The position columns the vessel indicators read; the step table carries no others, since it
#: is materialised once per run (``track_steps``) and every column costs memory on every row.
POSITION_COLUMNS = ("track_id", "mmsi", "ts", "lat", "lon", "sog", "record_id")


def _step_base(pos: ibis.Table, by: str) -> ibis.Table:
    """The costly part of ``steps``: the window over each track and the haversine distance.

    ``seq`` numbers the positions of a track in the window's order, so that later windows over
    a track's positions (runs, islands) order by one integer instead of sorting again.
    """
    pos = pos.select(*POSITION_COLUMNS)
    w = ibis.window(group_by=pos[by], order_by=[pos.ts, pos.lat, pos.lon])
    t = pos.mutate(
        seq=ibis.row_number().over(w),
        prev_ts=pos.ts.lag().over(w),
        prev_lat=pos.lat.lag().over(w),
        prev_lon=pos.lon.lag().over(w),
        next_ts=pos.ts.lead().over(w),
        next_lat=pos.lat.lead().over(w),
        next_lon=pos.lon.lead().over(w),
    )
    return t.mutate(dist_m=haversine_m(t.prev_lat, t.prev_lon, t.lat, t.lon))


def _step_speed(t: ibis.Table) -> ibis.Table:
    """The cheap part of ``steps``, recomputed by each reader rather than stored."""
    t = t.mutate(t_s=epoch_s(t.ts))
    t = t.mutate(dt_s=t.t_s - epoch_s(t.prev_ts))
    return t.mutate(
        implied_kn=ibis.ifelse(t.dt_s > 0, t.dist_m / t.dt_s.cast("float64") / KNOT_MS, None)
    )


def steps(pos: ibis.Table, by: str = "track_id") -> ibis.Table:
    """Each position with the previous and next one of its track: time, distance, implied speed.

    ``implied_kn`` is the speed from the previous position (null for the first of a track, or
    when two reports share a timestamp). ``seq`` increases by one from each position of a track
    to the next (in ``ts, lat, lon`` order); only differences of it mean anything.
    """
    return _step_speed(_step_base(pos, by))


def _track_positions(ctx: Context, lookback: timedelta, by: str) -> ibis.Table:
    pos = ctx.positions(lookback)
    return pos if by == "track_id" else pos.filter(pos[by].notnull())


def track_steps(ctx: Context, lookback: timedelta, by: str = "track_id") -> ibis.Table:
    """``steps`` of the positions from ``lookback`` before the window (``by`` not null).

    Most vessel indicators start from this table, so within an engine run it is materialised
    once, for the longest lookback asked, and every indicator reads it: the window sort and the
    distances over every position are the bulk of their work. A shorter lookback keeps each
    track's positions from a later instant on, which are the wide table's rows from that
    instant; only the first of them had a previous position there, before the instant, and has
    none here, so that one step is blanked. The result equals ``steps`` of those positions. (The
    ``ts`` filter implies the ``date`` partition filter of ``positions``, ``date`` being the
    UTC date of ``ts``.)
    """
    if ctx.run is None or by != "track_id":
        # Only MMSI spoofing groups by MMSI: materialising that table would write a second copy
        # of every position for a single reader, who would gain nothing from it.
        return steps(_track_positions(ctx, lookback, by), by)
    since = ctx.window.start - lookback
    key = ("steps", by, ctx.window.end)
    made, table = ctx.run.since(
        key, since, lambda: _step_base(_track_positions(ctx, lookback, by), by)
    )
    if made < since:
        before = table.prev_ts < since
        table = table.filter(table.ts >= since).mutate(
            **{
                c: ibis.ifelse(before, ibis.null(table[c].type()), table[c])
                for c in ("prev_ts", "prev_lat", "prev_lon", "dist_m")
            }
        )
    return _step_speed(table)


def cell(value: Any) -> Any:
    return (value * CELLS_PER_DEG).floor().cast("int32")


def with_shore(ctx: Context, t: ibis.Table, lat: str, lon: str, out: str) -> ibis.Table:
    """``t`` plus ``out``: distance from shore (nm) of the point ``(lat, lon)``, by grid join."""
    shore = ctx.memtable("shore", shore_table)
    keyed = t.mutate(_clat=cell(t[lat]), _clon=cell(t[lon]))
    s = shore.select(_slat=shore.cell_lat, _slon=shore.cell_lon, _snm=shore.shore_nm)
    j = keyed.left_join(s, [keyed._clat == s._slat, keyed._clon == s._slon])
    j = j.mutate(**{out: j._snm.fill_null(CAP_NM)})
    return j.drop("_clat", "_clon", "_slat", "_slon", "_snm")


def near_ports(
    ctx: Context,
    t: ibis.Table,
    radius_km: float,
    countries: list[str] | None = None,
    locodes: list[str] | None = None,
) -> ibis.Table:
    """Rows of ``t`` within ``radius_km`` of a gazetteer port, with the port: a port of
    ``countries`` or one of ``locodes`` (UN/LOCODEs) if either is given, else any port.

    A row near two ports appears once per port; callers keep the nearest if they need one.
    """
    key = (
        f"ports_{radius_km}_{'-'.join(sorted(countries)) if countries else 'all'}"
        f"_{'-'.join(sorted(locodes)) if locodes else ''}"
    )
    wanted = set(countries) if countries else None
    named = set(locodes) if locodes else None
    ports = ctx.memtable(key, lambda: port_cells(radius_km, wanted, named))
    keyed = t.mutate(_clat=cell(t.lat), _clon=cell(t.lon))
    j = keyed.inner_join(ports, [keyed._clat == ports.cell_lat, keyed._clon == ports.cell_lon])
    j = j.mutate(port_km=haversine_m(j.lat, j.lon, j.port_lat, j.port_lon) / 1000.0)
    return j.filter(j.port_km <= radius_km).drop("_clat", "_clon", "cell_lat", "cell_lon")
