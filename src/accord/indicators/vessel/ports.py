"""Port calls at ports of sanctioned jurisdictions, and "dark" calls seen only while stopped.

A visit is a run of consecutive positions of a track within ``port_radius_km`` of one gazetteer
port (GFW's 3 km entry radius). GFW's visit confidence needs entry/exit *and* stop/gap events;
here the entry counts as seen when the track's previous position is less than ``entry_gap_hours``
before the visit (GFW's in-port gap is 4 h), the exit likewise with the next position. A dark
call is a visit whose every in-port position is stopped and whose entry and exit were both
unseen: GFW's confidence-2 visit, the disguised call of the price-cap alert.

The watched ports are those of ``sanctioned_countries`` and, whatever their country, those named
in ``sanctioned_ports`` (UN/LOCODEs): the ports of a sanctioned *territory* (occupied Crimea,
which the gazetteer lists under UA) cannot be named by a country code.
"""

from __future__ import annotations

from datetime import timedelta

import ibis

from accord.indicators.evaluation import Context, Events, evaluator
from accord.indicators.vessel.tracks import near_ports, track_steps

LOOKBACK = timedelta(hours=48)
METRICS = (
    "locode",
    "port_name",
    "port_country",
    "stop_hours",
    "positions",
    "entry_seen",
    "exit_seen",
    "dark",
)


def visits(ctx: Context) -> ibis.Table:
    s = track_steps(ctx, LOOKBACK)
    speed = s.sog.fill_null(s.implied_kn).fill_null(0.0)
    # ``seq`` orders the track's positions and is consecutive along it, all ``pos_idx`` needs.
    s = s.mutate(pos_idx=s.seq, stopped=speed < ctx.num("max_stop_knots"))
    radius = ctx.num("port_radius_km")
    # Ports of the watched countries, and the watched ports of other countries' territory
    # (occupied Crimea is UA in the gazetteer, its ports sanctioned as such).
    p = near_ports(ctx, s, radius, ctx.codes("sanctioned_countries"), ctx.codes("sanctioned_ports"))
    # A position near two watched ports belongs to the nearer one.
    nearest = ibis.window(group_by=[p.track_id, p.pos_idx], order_by=p.port_km)
    p = p.filter(ibis.row_number().over(nearest) == 0)
    run = ibis.window(group_by=[p.track_id, p.locode], order_by=p.pos_idx)
    p = p.mutate(island=p.pos_idx - ibis.row_number().over(run))
    stop_ts = ibis.ifelse(p.stopped, p.ts, None)
    g = p.group_by(["track_id", "locode", "island"]).aggregate(
        mmsi=p.mmsi.max(),
        port_name=p.port_name.max(),
        port_country=p.port_country.max(),
        start=p.ts.min(),
        end=p.ts.max(),
        lat=p.lat.mean(),
        lon=p.lon.mean(),
        positions=p.ts.count(),
        moving=(~p.stopped).cast("int64").sum(),
        first_stop=stop_ts.min(),
        last_stop=stop_ts.max(),
        before=p.prev_ts.argmin(p.pos_idx),
        after=p.next_ts.argmax(p.pos_idx),
    )
    gap_s = int(ctx.num("entry_gap_hours") * 3600)
    entry = (g.start.epoch_seconds() - g.before.epoch_seconds()) < gap_s
    exit_ = (g.after.epoch_seconds() - g.end.epoch_seconds()) < gap_s
    g = g.mutate(
        entry_seen=entry.fill_null(False),
        exit_seen=exit_.fill_null(False),
        stop_hours=(
            (g.last_stop.epoch_seconds() - g.first_stop.epoch_seconds()).cast("float64") / 3600.0
        ).fill_null(0.0),
    )
    g = g.mutate(dark=(g.moving == 0) & ~g.entry_seen & ~g.exit_seen)
    # A single stopped report in port (no duration) still counts when the call is dark: that is
    # exactly what a vessel seen only while stopped looks like.
    g = g.filter((g.stop_hours >= ctx.num("min_stop_hours")) | (g.dark & (g.positions >= 1)))
    return g.drop("island", "before", "after", "first_stop", "last_stop", "moving")


@evaluator("vessel.ports.sanctioned_port_calls")
def sanctioned_port_calls(ctx: Context) -> Events:
    """Every call (stop of ``min_stop_hours``, or dark) at a port of a watched country."""
    g = visits(ctx)
    g = g.mutate(score=ibis.ifelse(g.dark, 1.0, 0.7))
    return Events(g, metrics=METRICS, score="score")


@evaluator("vessel.ports.dark_port_calls")
def dark_port_calls(ctx: Context) -> Events:
    """Calls at a watched port seen only while stopped: AIS off on the way in and out."""
    g = visits(ctx)
    g = g.filter(g.dark).mutate(score=ibis.literal(1.0))
    return Events(g, metrics=METRICS, score="score")
