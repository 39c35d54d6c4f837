"""Identity indicators: MMSI country vs flag, IMO check digit, name/flag/call-sign changes, flag
hopping, one MMSI in two places at once, impossible implied speed.

Registry-based events have no AIS track: their subject track is the MMSI as text (what ingest
uses as the track of an AIS vessel without another track id) or, without an MMSI, ``imo:<IMO>``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import ibis
import pyarrow as pa
from pyais.constants import COUNTRY_MAPPING

from accord.indicators.evaluation import Context, Events, evaluator
from accord.indicators.vessel.tracks import haversine_m, track_steps

LOOKBACK = timedelta(hours=48)


def _mid_table() -> pa.Table:
    mids = sorted(COUNTRY_MAPPING.items())
    return pa.table(
        {
            "mid": pa.array([int(m) for m, _ in mids], pa.int64()),
            "mid_country": pa.array([c[0] for _, c in mids], pa.string()),
        }
    )


def _subject(mmsi: Any, imo: Any) -> Any:
    return mmsi.cast("string").fill_null(ibis.literal("imo:") + imo.cast("string"))


def _day(date: Any) -> Any:
    return date.cast("timestamp").cast("timestamp('UTC', 6)")


def _registry(ctx: Context, lookback: timedelta) -> ibis.Table:
    """Registry states observed up to the window end, with ``seen``: when the state held."""
    reg = ctx.table("vessel_registry")
    reg = reg.mutate(seen=_day(reg.valid_from.fill_null(reg.date)))
    return reg.filter(
        reg.imo.notnull(), reg.seen < ctx.window.end, reg.seen >= ctx.window.start - lookback
    )


def check_digit_ok(imo: Any) -> Any:
    """IMO check digit: the six leading digits weighted 7..2, summed, modulo 10 (A.1117(30))."""
    total = ibis.literal(0)
    for k, weight in enumerate((7, 6, 5, 4, 3, 2)):
        total = total + ((imo // 10 ** (6 - k)) % 10) * weight
    return (imo >= 1_000_000) & (imo <= 9_999_999) & ((total % 10) == (imo % 10))


@evaluator("vessel.identity.mmsi_flag_mismatch")
def mmsi_flag_mismatch(ctx: Context) -> Events:
    """Registry states whose MMSI's MID belongs to another country than the flag."""
    reg = _registry(ctx, timedelta(days=365))
    reg = reg.filter(reg.mmsi.notnull(), reg.flag.notnull())
    mids = ctx.memtable("mids", _mid_table)
    reg = reg.mutate(_mid=reg.mmsi // 1_000_000)
    j = reg.inner_join(mids, reg._mid == mids.mid)
    j = j.filter(j.mid_country != j.flag.upper())
    g = j.group_by(["imo", "mmsi", "flag", "mid_country"]).aggregate(
        start=j.seen.min(), end=j.seen.max(), name=j.name.max()
    )
    g = g.mutate(track_id=_subject(g.mmsi, g.imo), lat=ibis.null("float64"))
    g = g.mutate(lon=g.lat)
    return Events(g, metrics=("imo", "flag", "mid_country", "name"))


@evaluator("vessel.identity.invalid_imo")
def invalid_imo(ctx: Context) -> Events:
    """IMO numbers broadcast in AIS static data (or registered) that fail the check digit."""
    st = ctx.table("vessel_static")
    st = st.filter(st.ts >= ctx.window.start - LOOKBACK, st.ts < ctx.window.end)
    st = st.filter(st.imo.notnull(), st.imo > 0)
    st = st.filter(~check_digit_ok(st.imo))
    g = st.group_by(["mmsi", "imo"]).aggregate(
        start=st.ts.min(), end=st.ts.max(), name=st.name.max()
    )
    g = g.mutate(track_id=_subject(g.mmsi, g.imo), lat=ibis.null("float64"))
    return Events(g.mutate(lon=g.lat), metrics=("imo", "name"))


def _changes(t: ibis.Table, key: str, fields: tuple[str, ...], when: str) -> ibis.Table:
    """One row per change of one of ``fields`` between consecutive states of ``key``."""
    w = ibis.window(group_by=t[key], order_by=t[when])
    parts = []
    for f in fields:
        prev = t[f].lag().over(w)
        c = t.mutate(field=ibis.literal(f), old=prev.cast("string"), new=t[f].cast("string"))
        parts.append(c.filter(c.old.notnull(), c.new.notnull(), c.old != c.new))
    return ibis.union(*parts)


@evaluator("vessel.identity.identity_changes")
def identity_changes(ctx: Context) -> Events:
    """Name, flag or call-sign changes in the registry history and in AIS static data: one
    event per subject and instant, listing every field that changed then."""
    days = timedelta(days=ctx.num("lookback_days"))
    reg = _registry(ctx, days)
    rc = _changes(reg, "imo", ("name", "flag", "callsign"), "seen")
    rc = rc.select(
        track_id=_subject(rc.mmsi, rc.imo),
        mmsi=rc.mmsi,
        imo=rc.imo,
        start=rc.seen,
        field=rc.field,
        old=rc.old,
        new=rc.new,
        seen_in=ibis.literal("registry"),
    )
    st = ctx.table("vessel_static")
    st = st.filter(st.ts >= ctx.window.start - days, st.ts < ctx.window.end, st.mmsi.notnull())
    sc = _changes(st, "mmsi", ("name", "callsign"), "ts")
    sc = sc.select(
        track_id=sc.mmsi.cast("string"),
        mmsi=sc.mmsi,
        imo=sc.imo,
        start=sc.ts,
        field=sc.field,
        old=sc.old,
        new=sc.new,
        seen_in=ibis.literal("ais"),
    )
    u = ibis.union(rc, sc)
    # One event per subject and instant, as the alert id is: a re-flagging that also renames
    # is one change of identity (fields listed in name order, old and new values in that order),
    # not two events of one id, which a run returned twice and stored once.
    g = u.group_by(["track_id", "start"]).aggregate(
        mmsi=u.mmsi.max(),
        imo=u.imo.max(),
        field=u.field.group_concat("; ", order_by=[u.field, u.seen_in]),
        old=u.old.group_concat("; ", order_by=[u.field, u.seen_in]),
        new=u.new.group_concat("; ", order_by=[u.field, u.seen_in]),
        first_seen_in=u.seen_in.min(),
        last_seen_in=u.seen_in.max(),
    )
    g = g.mutate(
        seen_in=ibis.ifelse(
            g.first_seen_in == g.last_seen_in,
            g.first_seen_in,
            g.last_seen_in + "; " + g.first_seen_in,
        ),
        end=g.start,
        lat=ibis.null("float64"),
        lon=ibis.null("float64"),
    ).drop("first_seen_in", "last_seen_in")
    return Events(g, metrics=("field", "old", "new", "imo", "seen_in"))


@evaluator("vessel.identity.flag_hopping")
def flag_hopping(ctx: Context) -> Events:
    """Flag changes that make ``min_changes`` or more within ``lookback_days`` (range window)."""
    days = ctx.num("lookback_days")
    reg = _registry(ctx, timedelta(days=2 * days))
    fc = _changes(reg, "imo", ("flag",), "seen")
    fc = fc.mutate(t_s=fc.seen.epoch_seconds().cast("int64"))
    period = ibis.window(group_by=fc.imo, order_by=fc.t_s, range=(-int(days * 86400), 0))
    fc = fc.mutate(
        changes=fc.t_s.count().over(period),
        first_change=fc.seen.min().over(period),
    )
    fc = fc.filter(fc.changes >= ctx.num("min_changes"))
    g = fc.select(
        track_id=_subject(fc.mmsi, fc.imo),
        mmsi=fc.mmsi,
        imo=fc.imo,
        start=fc.first_change,
        end=fc.seen,
        changes=fc.changes,
        old=fc.old,
        new=fc.new,
        lat=ibis.null("float64"),
        lon=ibis.null("float64"),
    )
    return Events(g, metrics=("changes", "old", "new", "imo"))


@evaluator("vessel.identity.impossible_speed")
def impossible_speed(ctx: Context) -> Events:
    """Jumps of one track farther than the vessel could have sailed, one event per track and day.

    One alert per jump flooded analysts (a single spoofed identity gave hundreds of alerts in the
    exercise's demo world), so the jumps of a UTC day are one event with their count and worst
    speed.
    """
    s = track_steps(ctx, LOOKBACK)
    s = s.filter(
        s.implied_kn > ctx.num("max_speed_knots"), s.dist_m >= ctx.num("min_jump_nm") * 1852
    )
    s = s.mutate(day=s.ts.date())
    g = (
        s.group_by([s.track_id, s.mmsi, s.day])
        .aggregate(
            start=s.prev_ts.min(),
            end=s.ts.max(),
            lat=s.lat.argmin(s.ts),
            lon=s.lon.argmin(s.ts),
            from_lat=s.prev_lat.argmin(s.ts),
            from_lon=s.prev_lon.argmin(s.ts),
            implied_speed_knots=s.implied_kn.max(),
            jump_nm=(s.dist_m / 1852.0).max(),
            jumps=s.ts.count(),
            record_id=s.record_id.argmin(s.ts),
        )
        .drop("day")
    )
    return Events(g, metrics=("implied_speed_knots", "jump_nm", "jumps", "from_lat", "from_lon"))


@evaluator("vessel.identity.spoofing")
def spoofing(ctx: Context) -> Events:
    """Positions of one MMSI that jump away and straight back: a second transmitter.

    Grouped by MMSI, not by track, because the point is that two tracks share it. A position
    is *away* when it is reached and left at an impossible speed while its neighbours are close
    to each other; ``min_alternations`` away positions in a UTC day make the event.
    """
    s = track_steps(ctx, LOOKBACK, by="mmsi")
    max_kn, jump_m = ctx.num("max_speed_knots"), ctx.num("min_jump_nm") * 1852
    dt_next = s.next_ts.epoch_seconds() - s.t_s
    d_next = haversine_m(s.lat, s.lon, s.next_lat, s.next_lon)
    kn_next = d_next / dt_next.cast("float64") / (1852.0 / 3600)
    d_skip = haversine_m(s.prev_lat, s.prev_lon, s.next_lat, s.next_lon)
    # Separate predicates, not one ``fill_null``-ed conjunction: each keeps only true rows all
    # the same, but the engine can then test the stored speed first and compute the two further
    # distances only for the few positions reached at an impossible speed.
    a = s.filter(
        s.implied_kn > max_kn,
        s.dist_m >= jump_m,
        dt_next > 0,
        kn_next > max_kn,
        d_next >= jump_m,
        d_skip < jump_m,
    )
    a = a.mutate(day=a.ts.date())
    g = a.group_by(["mmsi", "day"]).aggregate(
        start=a.ts.min(),
        end=a.ts.max(),
        alternations=a.ts.count(),
        lat=a.lat.mean(),
        lon=a.lon.mean(),
        max_jump_nm=(a.dist_m / 1852.0).max(),
        tracks=a.track_id.nunique(),
    )
    g = g.filter(g.alternations >= ctx.num("min_alternations"))
    g = g.mutate(track_id=g.mmsi.cast("string")).drop("day")
    return Events(g, metrics=("alternations", "max_jump_nm", "tracks"))
