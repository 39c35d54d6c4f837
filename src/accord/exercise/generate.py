"""``accord exercise world``: build the population, inject the schemes, stream every file.

Memory stays flat: the background is drawn one day (trade, payments) or one vessel (AIS) at a
time and rendered and written in batches of bounded size (``RECORD_BATCH``, ``AIS_BATCH``); only
the population, its text pools and the schemes' few rows live throughout. Batch sizes change
neither what is drawn nor the order of rows: the output does not depend on them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

from accord.exercise import ais, payments, registries, trade
from accord.exercise.calibration import destination_weights, load_products
from accord.exercise.context import Context
from accord.exercise.output import Batch, Sinks, epoch_day, epoch_s
from accord.exercise.population import Namer, build_population
from accord.exercise.scenario import Scenario
from accord.exercise.schemes import SCHEMES
from accord.exercise.seeding import stream
from accord.exercise.tracks import Plan, Reports, concat, sample
from accord.exercise.truth import GroundTruth

#: AIS reports sampled before they are routed and written together.
AIS_BATCH = 200_000
#: Declarations (per node) or transfers drawn before they are rendered and written together.
RECORD_BATCH = 50_000


@dataclass
class WorldSummary:
    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    files: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def generate_world(
    scenario: Scenario, out: Path, shared: Path, log: Callable[[str], None] = lambda _m: None
) -> WorldSummary:
    out.mkdir(parents=True, exist_ok=True)
    summary = WorldSummary(out)
    clock = _Clock(summary)
    namer = Namer(scenario.seed)
    world = build_population(scenario, namer)
    products = load_products(shared, stream(scenario.seed, "products"))
    # Calibration is set-up, like the products: matching Eurostat's partner names to countries
    # builds a territory-name index once (~3 s), whatever the volume drawn afterwards.
    weights = destination_weights(shared, _partners(scenario))
    ctx = Context(scenario, world, namer, products)
    truths = [SCHEMES[s.type](ctx, s) for s in scenario.schemes]
    # The text pools the streams take from by index (after the schemes: they add companies).
    cols = trade.Columns.of(world, products, _partners(scenario))
    clock.lap("population+schemes")
    log(
        f"{len(world.companies):,} companies, {len(world.vessels):,} vessels, {len(truths)} schemes"
    )
    sinks = Sinks(out)
    try:
        # Each phase waits for its last batches to be written, so its time includes them.
        _trade_and_payments(ctx, sinks, cols, weights, summary)
        sinks.flush()
        clock.lap("trade+payments")
        plans = _plans(ctx)
        clock.lap("ais routes")  # searoute loads its network and routes each lane once
        summary.counts["ais_reports"] = _ais(ctx, sinks, plans)
        sinks.flush()
        clock.lap("ais")
        registries.write_registries(ctx, sinks)
        registries.write_vessels(ctx, sinks)
        registries.write_licences(ctx, sinks, products, stream(scenario.seed, "licences"))
        registries.write_list(ctx, sinks)
    finally:
        summary.files = sinks.close()
    clock.lap("registries+lists")
    truth = GroundTruth(
        scenario=scenario.name,
        seed=scenario.seed,
        scale=scenario.scale,
        start=datetime.combine(scenario.start, datetime.min.time(), UTC),
        end=datetime.combine(scenario.end, datetime.min.time(), UTC),
        nodes=[n.id for n in scenario.nodes],
        schemes=truths,
    )
    (out / "truth.json").write_text(truth.model_dump_json(indent=2) + "\n", encoding="utf-8")
    real_lists = shared / "data" / "lists"
    manifest = {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "scale": scenario.scale,
        "nodes": {k: v for k, v in summary.files.items() if k != "lists"},
        "lists": {
            "opensanctions": summary.files.get("lists", {}).get("lists", []),
            # Real lists are loaded from where they are, never copied into the world.
            "official_mirror": str(real_lists) if real_lists.is_dir() else None,
        },
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return summary


class _Clock:
    def __init__(self, summary: WorldSummary) -> None:
        import time

        self._now = time.perf_counter
        self.summary = summary
        self.t = self._now()

    def lap(self, name: str) -> None:
        now = self._now()
        self.summary.seconds[name] = now - self.t
        self.t = now


def _trade_and_payments(
    ctx: Context, sinks: Sinks, cols: trade.Columns, weights: np.ndarray, summary: WorldSummary
) -> None:
    sc = ctx.scenario
    bg = sc.background
    partners = _partners(sc)
    imos = np.array([v.imo for v in ctx.world.vessels], np.int64)
    trade_nodes = [(n, c) for n in sc.nodes for c in n.holds.get("trade", []) if c != "*"]
    seq: dict[str, int] = {}
    declared = {node.id: Batch() for node, _c in trade_nodes}
    paid = Batch()
    n_decl = n_pay = 0

    def write_declarations(node: str) -> None:
        table = trade.render(declared[node].pop(), cols)
        sinks.csv(node, "trade", "declarations.csv", trade.TRADE_COLUMNS).write(table)

    def write_transfers() -> None:
        drawn = paid.pop()
        payments.write_payments(sc, sinks, payments.render(drawn, cols), drawn["xml"])

    first = epoch_day(sc.start)
    for d in range(sc.days):
        # Each day draws from its own stream in a fixed order; rendering and writing happen per
        # RECORD_BATCH rows, which changes neither what is drawn nor the order of rows in a file.
        day = first + d
        rng = stream(sc.seed, "trade", d)
        today = Batch()
        today.add(payments.background(rng, ctx.world, cols, day, sc.volume(bg.payments_per_day)))
        for node, country in trade_nodes:
            if not ctx.world.by_country.get(country):
                continue
            n = sc.volume(bg.declarations_per_day)
            args = (ctx.world, cols, ctx.products, partners, weights, imos)
            drawn = trade.declarations(rng, country, day, n, seq.get(country, 0), *args)
            seq[country] = seq.get(country, 0) + n
            declared[node.id].add(drawn)
            n_decl += n
            tied = (drawn["flow"] == trade.EXPORT) & (rng.random(n) < bg.trade_payment_share)
            lag = np.minimum(rng.gamma(2.0, 10.0, int(tied.sum())).astype(np.int64), 90)
            importer, exporter = drawn["importer"][tied], drawn["exporter"][tied]
            value = drawn["value"][tied]
            today.add(
                payments.payments(
                    rng, day, importer, exporter, value, cols, payments.FOR_GOODS, lag
                )
            )
            if declared[node.id].rows >= RECORD_BATCH:
                write_declarations(node.id)
        rows = today.rows
        transfers = today.pop()
        transfers["xml"] = payments.xml_pick(rng, rows)
        paid.add(transfers)
        n_pay += rows
        if paid.rows >= RECORD_BATCH:
            write_transfers()
    for node_id, batch in declared.items():
        if batch.rows:
            write_declarations(node_id)
    if paid.rows:
        write_transfers()
    _scheme_rows(ctx, sinks)
    summary.counts["declarations"] = n_decl + len(ctx.trade_rows)
    summary.counts["payments"] = n_pay + len(ctx.payment_rows)


def _partners(sc: Scenario) -> list[str]:
    return [c for c in sc.all_countries if c != sc.sanctioned_country]


def _scheme_rows(ctx: Context, sinks: Sinks) -> None:
    """The schemes' declarations and transfers, into the same files as the background."""
    per_node: dict[str, list[dict[str, str | None]]] = {}
    for row in ctx.trade_rows:
        for node in ctx.nodes_for("trade", row["declarant_country"]):
            per_node.setdefault(node, []).append(
                {c: _text(row.get(c)) for c in trade.TRADE_COLUMNS}
            )
    for node, rows in per_node.items():
        sinks.csv(node, "trade", "declarations.csv", trade.TRADE_COLUMNS).write(
            pa.Table.from_pylist(rows)
        )
    if ctx.payment_rows:
        table = pa.Table.from_pylist(
            [{c: _text(r.get(c)) for c in payments.PAYMENT_COLUMNS} for r in ctx.payment_rows]
        )
        xml = payments.xml_pick(stream(ctx.scenario.seed, "scheme-pay"), table.num_rows)
        payments.write_payments(ctx.scenario, sinks, table, xml)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _plans(ctx: Context) -> list[Plan]:
    return ctx.background_plans() + ctx.plans


def _ais(ctx: Context, sinks: Sinks, plans: list[Plan]) -> int:
    sc = ctx.scenario
    t0, t1 = epoch_s(sc.start), epoch_s(sc.end)
    identities = [i for p in plans for i in p.identities]
    table = ais.IdentityTable.of(identities)
    share = sc.background.nmea_share
    written, offset = 0, 0
    batch: list[Reports] = []
    picks: list[np.ndarray] = []
    size = 0
    for k, plan in enumerate(plans):
        part = sample(plan, stream(sc.seed, "ais", k), t0, t1, offset)
        offset += len(plan.identities)
        batch.append(part)
        # Which reports go to NMEA is drawn per vessel, so the world does not depend on AIS_BATCH.
        picks.append(stream(sc.seed, "nmea", k).random(len(part)) < share)
        size += len(part)
        if size >= AIS_BATCH:
            written += ais.write_reports(sc, sinks, concat(batch), table, np.concatenate(picks))
            batch, picks, size = [], [], 0
    if batch:
        written += ais.write_reports(sc, sinks, concat(batch), table, np.concatenate(picks))
    return written
