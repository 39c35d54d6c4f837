"""Corporate schemes: layered ownership hiding a listed owner; a new front company funded by a
listed entity."""

from __future__ import annotations

from datetime import timedelta

from accord.exercise.context import Context
from accord.exercise.scenario import SchemeSpec
from accord.exercise.truth import SchemeTruth


def layering(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A listed person owns a target company through two chains of shells in secrecy
    jurisdictions, no single stake above 50%, yet >= 50% in aggregate (the EU/OFAC 50% rule);
    a nominee director fronts the holding."""
    rng = ctx.rng(spec)
    p = spec.params
    country = p.get("target_country", "DE")
    holding_country = p.get("holding_country", "CY")
    sanctioned = ctx.scenario.sanctioned_country
    owner = ctx.person(rng, sanctioned)
    ctx.list_entity(
        "Person",
        owner.id,
        [owner.name],
        sanctioned,
        "EXERCISE-RU",
        birthDate=[owner.birth_date.isoformat()],
    )
    shell_a = ctx.company(rng, p.get("shell_a", "VG"))
    shell_b = ctx.company(rng, p.get("shell_b", "SC"))
    holding = ctx.company(rng, holding_country)
    target = ctx.world.companies[int(rng.choice(ctx.world.by_country[country]))]
    nominee = ctx.person(rng, holding_country)
    d = ctx.day(spec)
    # 100% x 45% + 100% x 40% = 85% of the holding; x 60% of the target = 51% aggregate.
    records = [
        ctx.own(owner.id, shell_a.id, 100.0, d),
        ctx.own(owner.id, shell_b.id, 100.0, d),
        ctx.own(shell_a.id, holding.id, 45.0, d),
        ctx.own(shell_b.id, holding.id, 40.0, d),
        ctx.own(holding.id, target.id, 60.0, d),
        ctx.direct(nominee.id, holding.id, d),
        ctx.company_ref(holding),
        ctx.company_ref(target),
    ]
    for k in range(int(p.get("payments", 3))):
        payer = ctx.world.companies[int(rng.integers(0, len(ctx.world.companies)))]
        records.append(
            ctx.payment(
                rng,
                day=ctx.day(spec, k + 1),
                debtor=payer,
                creditor=target,
                amount=float(rng.uniform(2e4, 2e5)),
            )
        )
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=p,
        description=f"listed owner holds 51% of a {country} company via {shell_a.country}, "
        f"{shell_b.country} and {holding_country} layers",
        actors=[
            ctx.actor("listed_owner", owner, listed=True),
            ctx.actor("shell", shell_a),
            ctx.actor("shell", shell_b),
            ctx.actor("holding", holding),
            ctx.actor("target", target),
            ctx.actor("nominee", nominee),
        ],
        records=records,
    )


def front_company(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A company incorporated days before it starts receiving large transfers from a listed
    entity, which it passes on to suppliers abroad."""
    rng = ctx.rng(spec)
    p = spec.params
    country = p.get("country", "AM")
    sanctioned = ctx.scenario.sanctioned_country
    listed = ctx.company(rng, sanctioned)
    ctx.list_entity("Company", listed.id, [listed.name], sanctioned, "EXERCISE-RU")
    front = ctx.company(
        rng, country, incorporated=ctx.day(spec) - timedelta(days=int(p.get("age_days", 10)))
    )
    supplier_country = p.get("supplier_country", "DE")
    # The listed payer's bank reaches the front through a correspondent (UAE by default).
    via = (ctx.world.banks[ctx.world.banks_by_country[p.get("via", "AE")][0]].bic,)
    records = [ctx.company_ref(front)]
    for k in range(int(p.get("payments", 4))):
        amount = float(rng.uniform(1e5, 6e5))
        day = ctx.day(spec, k * 2)
        records.append(
            ctx.payment(
                rng,
                day=day,
                debtor=listed,
                creditor=front,
                amount=amount,
                via=via,
                remittance="PREPAYMENT CONTRACT",
            )
        )
        supplier = ctx.world.companies[int(rng.choice(ctx.world.by_country[supplier_country]))]
        records.append(
            ctx.payment(
                rng,
                day=day + timedelta(days=1),
                debtor=front,
                creditor=supplier,
                amount=amount * 0.95,
            )
        )
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=p,
        description=f"{country} company incorporated {p.get('age_days', 10)} days before funds "
        "from a listed entity",
        actors=[ctx.actor("listed_payer", listed, listed=True), ctx.actor("front", front)],
        records=records,
    )
