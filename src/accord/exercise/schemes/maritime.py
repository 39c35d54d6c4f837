"""Maritime schemes: ship-to-ship transfer while dark after a sanctioned port call; flag
hopping with renaming; MMSI identity spoofing."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from accord.errors import InvalidInputError
from accord.exercise import geo
from accord.exercise.context import Context
from accord.exercise.population import Vessel, make_vessel, mmsi_for
from accord.exercise.scenario import SchemeSpec
from accord.exercise.seeding import imo_number
from accord.exercise.tracks import AT_ANCHOR, Plan
from accord.exercise.truth import Actor, RecordRef, SchemeTruth

#: Open sea south-west of Cape Matapan and Kythira, off southern Greece (the region of the
#: Laconian Gulf hot spot of ship-to-ship transfers), >= 40 nm from shore on the indicators'
#: shore grid (``accord.geo.shore``): far enough out for ``vessel.loitering`` (GFW: >= 20 nm).
#: The Laconian Gulf itself is inside 5 nm of shore, where no loitering indicator can look.
STS_POINT = (22.2, 35.5)
#: Spoofing: hours (sampled hourly) that the victim and the spoofer must both spend in one AIS
#: area during the spoofing, so that a node holds the one MMSI in two places.
SPOOF_MIN_SHARED_HOURS = 6


def _vessel_actor(role: str, v_name: str, mmsi: int, imo: int, listed: bool = False) -> Actor:
    return Actor(role=role, name=v_name, mmsi=mmsi, imo=imo, listed=listed)


def _ais_ref(
    ctx: Context, mmsi: int, a: float, b: float, *points: tuple[float, float]
) -> RecordRef:
    """AIS evidence: the vessel's reports (or their absence) in a window, seen by the nodes whose
    areas hold the scheme's key points."""
    nodes = [
        n.id
        for n in ctx.scenario.nodes
        for area in ctx.scenario.areas
        if area.name in n.holds.get("ais", [])
        and any(area.contains(lat, lon) for lon, lat in points)
    ]
    ta = datetime.fromtimestamp(a, UTC).isoformat()
    tb = datetime.fromtimestamp(b, UTC).isoformat()
    return RecordRef(dataset="positions", key=f"{mmsi}@{ta}/{tb}", nodes=sorted(set(nodes)))


def _new_vessel(ctx: Context, rng: np.random.Generator, k: int, flag: str) -> Vessel:
    v = make_vessel(rng, 90_000 + k, flag, len(ctx.world.companies))
    # Scheme vessels take IMO numbers from their own range (800000x), apart from the background.
    v.imo = imo_number(800_000 + k % 99_999)
    v.ship_type = 80
    return v


def _registry_row(
    ctx: Context, v: Vessel, owner: str, valid_from: str | None = None, valid_to: str | None = None
) -> RecordRef:
    ctx.vessel_rows.append(
        {
            "imo": v.imo,
            "name": v.name,
            "flag": v.flag,
            "callsign": v.callsign,
            "mmsi": v.mmsi,
            "ship_type": "tanker",
            "owner_name": owner,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "source": "exercise-registry",
        }
    )
    return RecordRef(
        dataset="vessel_registry",
        key=f"{v.imo}/{v.name}/{v.flag}",
        nodes=ctx.nodes_for("vessels", v.flag),
    )


def sts_dark(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A listed tanker calls dark at a sanctioned port, then meets a second tanker at sea and
    goes dark again for the transfer; the second tanker loiters in the open, then sails on."""
    rng = ctx.rng(spec)
    port = geo.ports()[spec.params.get("port", "UASVP")]
    start_port = geo.ports()[spec.params.get("from", "TRAMB")]
    a = _new_vessel(ctx, rng, spec.start_day * 10 + 1, "CM")
    b = _new_vessel(ctx, rng, spec.start_day * 10 + 2, "LR")
    t0 = ctx.at(spec, 0).timestamp()
    pa_ = Plan([ctx.identity(since=0, mmsi=a.mmsi, name=a.name, imo=a.imo, callsign=a.callsign)])
    pa_.start(t0, start_port.lon, start_port.lat).stay(6 * 3600)
    pa_.sail((port.lon, port.lat), 12.0)
    call_in = pa_.now - 8 * 3600
    pa_.stay(2 * 86400)
    # Dark on the approach and for the first 18 h of the call, then seen stopped in port for
    # 30 h (a visible call at a sanctioned port) before sailing for the meeting.
    port_gap = (call_in, pa_.now - 30 * 3600)
    pa_.sail(STS_POINT, 12.0, offshore_at_end=True)
    meet = pa_.now
    pa_.stay(20 * 3600, AT_ANCHOR, offshore=30.0)
    sts_gap = (meet - 3 * 3600, pa_.now + 2 * 3600)
    pa_.sail((geo.ports()["EGPSD"].lon, geo.ports()["EGPSD"].lat), 12.0)
    pa_.dark += [port_gap, sts_gap]
    pa_.always_heard += [
        (port_gap[0] - 6 * 3600, port_gap[0]),
        (port_gap[1], port_gap[1] + 6 * 3600),
        (sts_gap[1], sts_gap[1] + 6 * 3600),
    ]
    pb = Plan([ctx.identity(since=0, mmsi=b.mmsi, name=b.name, imo=b.imo, callsign=b.callsign)])
    piraeus = geo.ports()["GRPIR"]
    pb.start(t0, piraeus.lon, piraeus.lat).stay(max(meet - t0 - 86400, 3600))
    pb.sail(geo.offset(*STS_POINT, 0.3, 0.2), 11.0, offshore_at_end=True)
    arrive = pb.now
    pb.stay(max(meet + 22 * 3600 - arrive, 3600), AT_ANCHOR, offshore=30.0)
    loiter = (arrive, pb.now)
    pb.always_heard.append(loiter)
    pb.sail((geo.ports()["NLRTM"].lon, geo.ports()["NLRTM"].lat), 12.0)
    ctx.plans += [pa_, pb]
    ctx.list_entity(
        "Vessel",
        f"vessel-{a.imo}",
        [a.name],
        "RU",
        "EXERCISE-RU",
        imoNumber=[f"IMO{a.imo}"],
        mmsi=[str(a.mmsi)],
    )
    owner = ctx.company(rng, "AE")
    records = [
        _ais_ref(ctx, a.mmsi, *port_gap, (port.lon, port.lat)),
        _ais_ref(ctx, a.mmsi, *sts_gap, STS_POINT),
        _ais_ref(ctx, b.mmsi, *loiter, STS_POINT),
        _registry_row(ctx, a, owner.name),
        _registry_row(ctx, b, owner.name),
    ]
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=spec.params,
        description=f"dark call at {port.name} (sanctioned), dark STS transfer off Greece",
        actors=[
            _vessel_actor("listed_tanker", a.name, a.mmsi, a.imo, True),
            _vessel_actor("receiving_tanker", b.name, b.mmsi, b.imo),
            ctx.actor("manager", owner),
        ],
        records=records,
    )


def flag_hopping(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A listed vessel re-flags and renames every few weeks (new MMSI with each flag), keeping
    its IMO number; its trade continues on the same lane."""
    rng = ctx.rng(spec)
    flags = list(spec.params.get("flags", ["GA", "CM", "KM", "PW"]))
    v = _new_vessel(ctx, rng, spec.start_day * 10 + 3, flags[0])
    t0 = ctx.at(spec, 0).timestamp()
    step = spec.duration_days * 86400 / len(flags)
    base = v.name
    identities, records = [], []
    owner = ctx.company(rng, "AE")
    for k, flag in enumerate(flags):
        v.flag, v.name = (
            flag,
            base if k == 0 else f"{base.split()[0]} {['I', 'II', 'III', 'IV', 'V'][k % 5]}",
        )
        v.mmsi = v.mmsi if k == 0 else mmsi_for(rng, flag)
        since = 0.0 if k == 0 else t0 + k * step
        identities.append(
            ctx.identity(since=since, mmsi=v.mmsi, name=v.name, imo=v.imo, callsign=v.callsign)
        )
        vf = datetime.fromtimestamp(t0 + k * step, UTC).date().isoformat()
        vt = datetime.fromtimestamp(t0 + (k + 1) * step - 86400, UTC).date().isoformat()
        records.append(_registry_row(ctx, v, owner.name, vf, vt))
    ctx.list_entity(
        "Vessel",
        f"vessel-{v.imo}",
        [identities[0].name],
        "RU",
        "EXERCISE-RU",
        imoNumber=[f"IMO{v.imo}"],
    )
    lane = spec.params.get("lane", ["RUPRI", "GRPIR"])
    p0, p1 = geo.ports()[lane[0]], geo.ports()[lane[1]]
    plan = Plan(identities).start(t0 - 86400, p0.lon, p0.lat)
    while plan.now < ctx.at(spec, spec.duration_days).timestamp():
        plan.stay(36 * 3600).sail((p1.lon, p1.lat), 12.0)
        p0, p1 = p1, p0
    ctx.plans.append(plan)
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=spec.params,
        description=f"{len(flags)} flags and names in {spec.duration_days} days, one IMO",
        actors=[
            Actor(role="vessel", name=i.name, mmsi=i.mmsi, imo=v.imo, listed=True)
            for i in identities
        ]
        + [ctx.actor("owner", owner)],
        records=records,
    )


def _ais_areas(ctx: Context, plan: Plan, times: np.ndarray) -> list[set[str]]:
    """At each time, the AIS areas (held by some node) that hold the plan's position."""
    held = {a for n in ctx.scenario.nodes for a in n.holds.get("ais", [])}
    areas = [a for a in ctx.scenario.areas if a.name in held]
    lon = np.interp(times, plan.t, plan.lon)
    lat = np.interp(times, plan.t, plan.lat)
    inside = (times >= plan.t[0]) & (times <= plan.t[-1])
    return [
        {a.name for a in areas if a.contains(float(la), float(lo))} if ok else set()
        for lo, la, ok in zip(lon, lat, inside, strict=True)
    ]


def _spoofing_victim(
    ctx: Context, rng: np.random.Generator, spoofer: Plan, a: float, b: float
) -> int:
    """Index of a background vessel that sails, during ``[a, b]``, in an AIS area where the
    spoofer is at the same time: a node then holds the one MMSI in two places."""
    hours = np.arange(a, b, 3600.0)
    theirs = _ais_areas(ctx, spoofer, hours)
    candidates = [
        i
        for i, plan in enumerate(ctx.background_plans())
        if sum(bool(x & y) for x, y in zip(_ais_areas(ctx, plan, hours), theirs, strict=True))
        >= SPOOF_MIN_SHARED_HOURS
    ]
    if not candidates:
        raise InvalidInputError(
            f"mmsi_spoofing: no background vessel sails in an AIS area of a node together with "
            f"the spoofer for {SPOOF_MIN_SHARED_HOURS} h during the spoofing; give the scheme "
            f"another lane or the scenario more vessels or AIS areas"
        )
    return candidates[int(rng.integers(0, len(candidates)))]


def mmsi_spoofing(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A listed vessel transmits the MMSI and name of an innocent vessel sailing elsewhere:
    one MMSI, two places at once (impossible speeds between consecutive reports).

    The victim is drawn among the background vessels that sail in an AIS area of a node while
    the spoofer is in one of that node's areas too (``SPOOF_MIN_SHARED_HOURS``), so that the
    node's data holds both positions of the one MMSI.
    """
    rng = ctx.rng(spec)
    v = _new_vessel(ctx, rng, spec.start_day * 10 + 4, "KM")
    t0, t1 = ctx.at(spec, 0).timestamp(), ctx.at(spec, spec.duration_days).timestamp()
    plan = Plan([ctx.identity(since=0, mmsi=v.mmsi, name=v.name, imo=v.imo, callsign=v.callsign)])
    lane = spec.params.get("lane", ["RUNVS", "TRAMB"])
    p0, p1 = geo.ports()[lane[0]], geo.ports()[lane[1]]
    plan.start(t0 - 86400, p0.lon, p0.lat)
    while plan.now < t1:
        plan.stay(24 * 3600).sail((p1.lon, p1.lat), 11.0)
        p0, p1 = p1, p0
    plan.always_heard.append((t0, t1))
    victim = ctx.world.vessels[_spoofing_victim(ctx, rng, plan, t0 + 86400, t1)]
    plan.identities.append(
        ctx.identity(
            since=t0 + 86400,
            mmsi=victim.mmsi,
            name=victim.name,
            imo=victim.imo,
            callsign=victim.callsign,
        )
    )
    ctx.plans.append(plan)
    ctx.list_entity(
        "Vessel",
        f"vessel-{v.imo}",
        [v.name],
        "RU",
        "EXERCISE-RU",
        imoNumber=[f"IMO{v.imo}"],
        mmsi=[str(v.mmsi)],
    )
    owner = ctx.company(rng, "AE")
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=spec.params,
        description=f"listed vessel transmits as {victim.name} (MMSI {victim.mmsi})",
        actors=[
            _vessel_actor("spoofer", v.name, v.mmsi, v.imo, True),
            _vessel_actor("victim", victim.name, victim.mmsi, victim.imo),
        ],
        records=[
            _ais_ref(ctx, victim.mmsi, t0 + 86400, t1, (p0.lon, p0.lat), (p1.lon, p1.lat)),
            _registry_row(ctx, v, owner.name),
        ],
    )
