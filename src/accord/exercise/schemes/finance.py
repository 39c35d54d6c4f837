"""Financial and naming schemes: payments through nested correspondents and fronts; a listed
person's name spelled per each country's transliteration habits."""

from __future__ import annotations

from datetime import timedelta

from accord.exercise.context import Context
from accord.exercise.scenario import SchemeSpec
from accord.exercise.truth import Actor, RecordRef, SchemeTruth

#: Cyrillic romanisation habits per system (BGN/PCGN-like English, German, French, Latvian).
_COMMON = dict(zip("абвгдезиклмнопрстуфыэ", "abvgdeziklmnoprstufye", strict=True))
_SYSTEMS: dict[str, dict[str, str]] = {
    "en": {
        **_COMMON,
        "ё": "yo",
        "ж": "zh",
        "й": "y",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ю": "yu",
        "я": "ya",
        "ь": "",
        "ъ": "",
    },
    "de": {
        **_COMMON,
        "в": "w",
        "з": "s",
        "ё": "jo",
        "ж": "sch",
        "й": "j",
        "х": "ch",
        "ц": "z",
        "ч": "tsch",
        "ш": "sch",
        "щ": "schtsch",
        "ю": "ju",
        "я": "ja",
        "ь": "",
        "ъ": "",
        "ы": "y",
        "е": "e",
    },
    "fr": {
        **_COMMON,
        "у": "ou",
        "ё": "io",
        "ж": "j",
        "й": "ï",
        "х": "kh",
        "ц": "ts",
        "ч": "tch",
        "ш": "ch",
        "щ": "chtch",
        "ю": "iou",
        "я": "ia",
        "ь": "",
        "ъ": "",
    },
    "lv": {
        **_COMMON,
        "ё": "jo",
        "ж": "ž",
        "й": "j",
        "х": "h",
        "ц": "c",
        "ч": "č",
        "ш": "š",
        "щ": "šč",
        "ю": "ju",
        "я": "ja",
        "ь": "",
        "ъ": "",
    },
}


def romanise(name: str, system: str) -> str:
    """A Cyrillic name as a clerk using ``system`` would write it (Latvian adds its -s ending)."""
    table = _SYSTEMS[system]
    out = []
    for word in name.split():
        latin = "".join(table.get(ch.lower(), ch.lower()) for ch in word)
        if system == "lv" and latin[-1:] not in ("a", "s", "e"):
            latin += "s"
        out.append(latin.capitalize())
    return " ".join(out)


def nested_correspondents(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A listed entity pays a supplier through a front company's account in a third country,
    the transfer routed via two correspondent banks; the listed name shows only, if at all, as
    ultimate debtor."""
    rng = ctx.rng(spec)
    p = spec.params
    sanctioned = ctx.scenario.sanctioned_country
    listed = ctx.company(rng, sanctioned)
    ctx.list_entity("Company", listed.id, [listed.name], sanctioned, "EXERCISE-RU")
    front = ctx.company(rng, p.get("front_country", "KG"))
    supplier = ctx.world.companies[
        int(rng.choice(ctx.world.by_country[p.get("supplier_country", "DE")]))
    ]
    via = tuple(
        ctx.world.banks[ctx.world.banks_by_country[c][0]].bic
        for c in p.get("correspondents", ["AE", "TR"])
    )
    records: list[RecordRef] = [ctx.company_ref(front)]
    for k in range(int(p.get("payments", 5))):
        day = ctx.day(spec, k * spec.duration_days / 5)
        records.append(
            ctx.payment(
                rng,
                day=day,
                debtor=front,
                creditor=supplier,
                amount=float(rng.uniform(5e4, 3e5)),
                via=via,
                ultimate_debtor=listed.name if k % 2 == 0 else None,
            )
        )
        records.append(
            ctx.payment(
                rng,
                day=day - timedelta(days=1),
                debtor=listed,
                creditor=front,
                amount=float(rng.uniform(5e4, 3e5)),
                via=via[:1],
            )
        )
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=p,
        description=f"listed payer -> {front.country} front -> {supplier.country} supplier via "
        f"{', '.join(b[4:6] for b in via)} correspondents",
        actors=[
            ctx.actor("listed_payer", listed, listed=True),
            ctx.actor("front", front),
            ctx.actor("supplier", supplier),
        ],
        records=records,
    )


def transliteration(ctx: Context, spec: SchemeSpec) -> SchemeTruth:
    """A listed person (Cyrillic on the list) appears in each country's records under that
    country's romanisation: a director in one registry, a payer in another, an importer in a
    third; the list carries the Cyrillic and the English spelling only."""
    rng = ctx.rng(spec)
    p = spec.params
    sanctioned = ctx.scenario.sanctioned_country
    cyrillic = ctx.namer.person("RU")
    listed = ctx.person(rng, sanctioned, name=cyrillic)
    ctx.list_entity(
        "Person",
        listed.id,
        [cyrillic, romanise(cyrillic, "en")],
        sanctioned,
        "EXERCISE-RU",
        birthDate=[listed.birth_date.isoformat()],
    )
    spellings = p.get("spellings", {"CY": "en", "LV": "lv", "DE": "de"})
    actors = [
        Actor(
            role="listed_person",
            name=cyrillic,
            entity_id=listed.id,
            country=sanctioned,
            listed=True,
        )
    ]
    records: list[RecordRef] = []
    for country, system in spellings.items():
        name = romanise(cyrillic, system)
        alias = ctx.person(rng, country, name=name)
        actors.append(
            Actor(role=f"alias_{country.lower()}", name=name, entity_id=alias.id, country=country)
        )
        company = ctx.world.companies[int(rng.choice(ctx.world.by_country[country]))]
        records.append(ctx.direct(alias.id, company.id, ctx.day(spec)))
        own_co = ctx.company(rng, country, name=f"{name.split()[0]} Trading")
        records.append(ctx.own(alias.id, own_co.id, 100.0, ctx.day(spec)))
        records.append(
            ctx.payment(
                rng,
                day=ctx.day(spec, 2),
                debtor=own_co,
                creditor=company,
                amount=float(rng.uniform(1e4, 9e4)),
                remittance=f"ON BEHALF OF {name.upper()}",
            )
        )
    start, end = ctx.window(spec)
    return SchemeTruth(
        id=spec.id,
        type=spec.type,
        start=start,
        end=end,
        params=p,
        description=f"{cyrillic} spelled {', '.join(a.name for a in actors[1:])}",
        actors=actors,
        records=records,
    )
