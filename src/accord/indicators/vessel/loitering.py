"""Loitering: a vessel slower than 2 knots for at least 4 hours, at least 20 nm from shore."""

from __future__ import annotations

from datetime import timedelta

import ibis

from accord.indicators.evaluation import Context, Events, evaluator
from accord.indicators.vessel.tracks import track_steps, with_shore

LOOKBACK = timedelta(hours=48)


def slow_stretches(ctx: Context, max_kn: float, max_silence_h: float) -> ibis.Table:
    """Maximal runs of consecutive slow steps per track (gaps-and-islands over the steps).

    A step (previous position → this one) is slow when its implied speed is under ``max_kn``
    and it is not a silence of ``max_silence_h`` or more. Consecutive slow steps have
    consecutive ``seq``; their ``seq`` less their rank among the track's slow steps is constant
    along a run and differs between runs, so it numbers the runs. Ranking only the slow steps
    sorts far fewer rows than a running count over every step would.
    """
    s = track_steps(ctx, LOOKBACK)
    s = s.filter(s.implied_kn < max_kn, s.dt_s < int(max_silence_h * 3600))
    run = ibis.window(group_by=s.track_id, order_by=s.seq)
    s = s.mutate(run_id=s.seq - ibis.row_number().over(run))
    s = with_shore(ctx, s, "lat", "lon", "shore_nm")
    g = s.group_by(["track_id", "run_id"]).aggregate(
        mmsi=s.mmsi.max(),
        start=s.prev_ts.min(),
        end=s.ts.max(),
        lat=s.lat.mean(),
        lon=s.lon.mean(),
        positions=s.ts.count() + 1,
        distance_m=s.dist_m.sum(),
        mean_shore_nm=s.shore_nm.mean(),
        last_record_id=s.record_id.max(),
    )
    dur_h = (g.end.epoch_seconds() - g.start.epoch_seconds()).cast("float64") / 3600.0
    g = g.mutate(duration_hours=dur_h)
    return g.mutate(mean_speed_knots=g.distance_m / 1852.0 / g.duration_hours)


@evaluator("vessel.loitering.loitering")
def loitering(ctx: Context) -> Events:
    """Slow stretches of at least ``min_duration_hours``, on average ``min_shore_nm`` offshore."""
    g = slow_stretches(ctx, ctx.num("max_speed_knots"), ctx.num("max_silence_hours"))
    g = g.filter(
        g.duration_hours >= ctx.num("min_duration_hours"),
        g.mean_shore_nm >= ctx.num("min_shore_nm"),
    )
    g = g.mutate(score=(g.duration_hours / 24.0).clip(lower=0.3, upper=1.0))
    return Events(
        g.drop("run_id"),
        metrics=("duration_hours", "mean_speed_knots", "mean_shore_nm", "positions"),
        score="score",
    )
