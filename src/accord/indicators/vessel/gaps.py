"""AIS gaps: raw gaps (>= 6 h) and suspected intentional disabling (GFW's production rule)."""

from __future__ import annotations

from datetime import timedelta

import ibis

from accord.indicators.evaluation import Context, Events, evaluator
from accord.indicators.vessel.tracks import KNOT_MS, haversine_m, track_steps, with_shore

#: Gaps longer than this are not seen: the off position lies before the positions read.
GAP_LOOKBACK = timedelta(days=7)


def gap_table(ctx: Context, min_gap_hours: float, density_hours: float) -> ibis.Table:
    """One row per silence of at least ``min_gap_hours`` between consecutive track positions.

    ``start``/``end`` are the off and on positions' times, ``lat``/``lon`` the off position,
    ``end_lat``/``end_lon`` the on position; ``positions_before`` counts the track's positions
    in the ``density_hours`` up to and including the off position.
    """
    s = track_steps(ctx, GAP_LOOKBACK + timedelta(hours=density_hours))
    off = s.select(
        track_id=s.track_id,
        mmsi=s.mmsi,
        start=s.ts,
        end=s.next_ts,
        lat=s.lat,
        lon=s.lon,
        end_lat=s.next_lat,
        end_lon=s.next_lon,
        off_record_id=s.record_id,
        off_s=s.t_s,
    )
    gap_s = off.end.epoch_seconds() - off.start.epoch_seconds()
    off = off.mutate(gap_hours=gap_s.cast("float64") / 3600.0)
    off = off.filter(off.end.notnull(), off.gap_hours >= min_gap_hours)
    # The density is counted for the few off positions only, by joining each to its track's
    # positions in the period before it, rather than by a range window over every position,
    # which would sort the whole table once more. The off position counts itself, so every
    # off position has a count.
    density_s = int(density_hours * 3600)
    keys = off.select(k_track=off.track_id, k_s=off.off_s).distinct()
    near = s.select(n_track=s.track_id, n_s=s.t_s)
    j = keys.inner_join(
        near,
        [keys.k_track == near.n_track, near.n_s >= keys.k_s - density_s, near.n_s <= keys.k_s],
    )
    counts = j.group_by(["k_track", "k_s"]).aggregate(positions_before=j.n_s.count())
    off = off.inner_join(counts, [off.track_id == counts.k_track, off.off_s == counts.k_s])
    off = off.drop("k_track", "k_s", "off_s")
    dist = haversine_m(off.lat, off.lon, off.end_lat, off.end_lon)
    return off.mutate(
        gap_distance_m=dist,
        gap_implied_speed_knots=dist / (off.gap_hours * 3600.0) / KNOT_MS,
    )


@evaluator("vessel.gaps.raw_gaps")
def raw_gaps(ctx: Context) -> Events:
    """Every silence of at least ``min_gap_hours`` (GFW's raw gap table)."""
    gaps = gap_table(ctx, ctx.num("min_gap_hours"), density_hours=12)
    return Events(
        gaps,
        metrics=("gap_hours", "gap_distance_m", "gap_implied_speed_knots", "positions_before"),
    )


@evaluator("vessel.gaps.suspected_disabling")
def suspected_disabling(ctx: Context) -> Events:
    """Gaps of at least 12 h, both ends > 50 nm from shore, after dense reception (GFW rule).

    GFW's density rule is ``positions_12_hours_before × min(gap_hours, 48) / 12 >= 20``: the
    positions the vessel would have sent during the gap at its pre-gap rate. Positions here are
    all receptions (the analytical store does not tell satellite from terrestrial ones).
    """
    density_h = ctx.num("density_hours")
    gaps = gap_table(ctx, ctx.num("min_gap_hours"), density_h)
    gaps = with_shore(ctx, gaps, "lat", "lon", "start_shore_nm")
    gaps = with_shore(ctx, gaps, "end_lat", "end_lon", "end_shore_nm")
    capped = gaps.gap_hours.clip(upper=ctx.num("max_density_gap_hours"))
    gaps = gaps.mutate(
        expected_positions=gaps.positions_before.cast("float64") * capped / density_h
    )
    min_shore = ctx.num("min_shore_nm")
    gaps = gaps.filter(
        gaps.start_shore_nm > min_shore,
        gaps.end_shore_nm > min_shore,
        gaps.expected_positions >= ctx.num("min_expected_positions"),
    )
    # Longer gaps after denser reception are stronger evidence; 48 h saturates the score.
    gaps = gaps.mutate(score=(gaps.gap_hours / 48.0).clip(lower=0.25, upper=1.0))
    return Events(
        gaps,
        metrics=(
            "gap_hours",
            "gap_distance_m",
            "gap_implied_speed_knots",
            "positions_before",
            "expected_positions",
            "start_shore_nm",
            "end_shore_nm",
        ),
        score="score",
    )
