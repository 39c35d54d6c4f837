"""Trade schemes: CHPL transshipment through a third country, and mis-invoicing."""

from __future__ import annotations

from datetime import timedelta

from accord.exercise.context import Context
from accord.exercise.scenario import SchemeSpec
from accord.exercise.truth import RecordRef, SchemeTruth


def transshipment(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """Common High Priority List goods exported to a front in a third country, which re-exports
    them to the sanctioned country within days; the front's director also runs the end user,
    and the end user pays the front through a bank in a fourth country."""
    rng = ctx.rng(spec)
    p = spec.params
    origin, transit = p.get("origin", "DE"), p.get("transit", "KZ")
    hs6, shipments = str(p.get("hs6", "854231")), int(p.get("shipments", 6))
    sanctioned = ctx.scenario.sanctioned_country
    exporter = ctx.world.companies[int(rng.choice(ctx.world.by_country[origin]))]
    front = ctx.company(rng, transit, incorporated=ctx.day(spec) - timedelta(days=90))
    end_user = ctx.company(rng, sanctioned)
    boss = ctx.person(rng, sanctioned)
    payer_bank = ctx.world.banks[ctx.world.banks_by_country[p.get("via", "AE")][0]].bic
    ctx.list_entity("Company", end_user.id, [end_user.name], sanctioned, "EXERCISE-RU")
    records: list[RecordRef] = [
        ctx.company_ref(front),
        ctx.direct(boss.id, front.id, front.incorporated),
        ctx.own(boss.id, end_user.id, 100.0, end_user.incorporated),
    ]
    i = ctx.products.index(hs6)
    for k in range(shipments):
        day = ctx.day(spec, k * spec.duration_days / shipments)
        mass = float(rng.uniform(50, 400))
        value = mass * float(ctx.products.price_median[i])
        records.append(
            ctx.declaration(
                day=day,
                declaring=origin,
                flow="export",
                exporter=exporter,
                importer=front,
                hs6=hs6,
                mass=mass,
                value=value,
            )
        )
        records.append(
            ctx.declaration(
                day=day + timedelta(days=2),
                declaring=transit,
                flow="import",
                exporter=exporter,
                importer=front,
                hs6=hs6,
                mass=mass,
                value=value,
            )
        )
        records.append(
            ctx.declaration(
                day=day + timedelta(days=4),
                declaring=transit,
                flow="re-export",
                exporter=front,
                importer=end_user,
                hs6=hs6,
                mass=mass,
                value=value * 1.3,
                origin=origin,
            )
        )
        records.append(
            ctx.payment(
                rng,
                day=day + timedelta(days=5),
                debtor=end_user,
                creditor=front,
                amount=value * 1.3,
                via=(payer_bank,),
            )
        )
        records.append(
            ctx.payment(
                rng, day=day + timedelta(days=6), debtor=front, creditor=exporter, amount=value
            )
        )
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=p,
        description=f"CHPL {hs6} from {origin} via {transit} to {sanctioned}",
        actors=[
            ctx.actor("exporter", exporter),
            ctx.actor("front", front),
            ctx.actor("end_user", end_user, listed=True),
            ctx.actor("director", boss),
        ],
        records=records,
    )


def misinvoicing(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """Shipments between related parties invoiced at ``factor`` × the product's usual unit value;
    the difference moves as a separate payment from a third party (value moved out or in)."""
    rng = ctx.rng(spec)
    p = spec.params
    factor = float(p.get("factor", 0.2))
    origin, dest = p.get("origin", "DE"), p.get("destination", "TR")
    shipments = int(p.get("shipments", 5))
    common = ctx.products.weight.argsort()[-50:]
    i = int(rng.choice(common))
    hs6 = ctx.products.hs6[i]
    exporter = ctx.world.companies[int(rng.choice(ctx.world.by_country[origin]))]
    importer = ctx.company(rng, dest)
    owner = ctx.person(rng, dest)
    settler = ctx.company(rng, p.get("settler_country", "AE"))
    records = [
        ctx.own(owner.id, importer.id, 100.0, importer.incorporated),
        ctx.direct(owner.id, settler.id, settler.incorporated),
    ]
    for k in range(shipments):
        day = ctx.day(spec, k * spec.duration_days / shipments)
        mass = float(rng.uniform(2_000, 10_000))
        fair = mass * float(ctx.products.price_median[i])
        declared = fair * factor
        records.append(
            ctx.declaration(
                day=day,
                declaring=origin,
                flow="export",
                exporter=exporter,
                importer=importer,
                hs6=hs6,
                mass=mass,
                value=declared,
            )
        )
        records.append(
            ctx.payment(
                rng,
                day=day + timedelta(days=10),
                debtor=importer,
                creditor=exporter,
                amount=declared,
            )
        )
        records.append(
            ctx.payment(
                rng,
                day=day + timedelta(days=12),
                debtor=settler,
                creditor=exporter,
                amount=abs(fair - declared),
                remittance="CONSULTING SERVICES",
            )
        )
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params={**p, "hs6": hs6},
        description=f"{hs6} invoiced at {factor}x its usual unit value, {origin} to {dest}",
        actors=[
            ctx.actor("exporter", exporter),
            ctx.actor("importer", importer),
            ctx.actor("settler", settler),
            ctx.actor("owner", owner),
        ],
        records=records,
    )
