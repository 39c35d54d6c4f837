"""Background customs declarations and the payments that settle them, drawn as columns.

Each trade node lodges its country's declarations: exports (55%), imports (40%) and genuine
re-exports (5% — goods imported earlier and sent on, the innocent look-alike of transshipment).

Drawing and rendering are apart: a day's declarations are drawn as numpy indices into the
world's pools (companies, products, countries, codes) with the day's generator, and many days
are rendered into one Arrow table at once: text is never built per row, and Arrow's fixed cost
per column and call is paid per batch rather than per day and node.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from accord.exercise import calibration as cal
from accord.exercise.output import digits, iso_dates, pooled
from accord.exercise.population import World

TRADE_COLUMNS = [
    "declaration_id",
    "item_no",
    "declaration_date",
    "flow",
    *[
        f"{r}_{c}"
        for r in ("declarant", "exporter", "importer", "consignee", "notify_party")
        for c in ("name", "country", "address")
    ],
    "origin_country",
    "dispatch_country",
    "destination_country",
    "transit_countries",
    "hs_code",
    "description",
    "quantity",
    "unit",
    "net_mass_kg",
    "value",
    "currency",
    "incoterm",
    "transport_mode",
    "vessel_imo",
    "port_of_loading",
    "port_of_discharge",
]
FLOWS = ["export", "import", "re-export"]
FLOW_P = [0.55, 0.40, 0.05]
EXPORT, IMPORT, RE_EXPORT = 0, 1, 2
MODES = ["sea", "road", "air", "rail"]
MODE_P = np.array([0.40, 0.45, 0.10, 0.05])
SEA = 0
INCOTERMS = ["EXW", "FCA", "FOB", "CIF", "DAP", "CPT"]


@dataclass
class Columns:
    """The world's companies (and the products) as columns, to draw parties from by index."""

    name: pa.Array
    country: pa.Array
    address: pa.Array
    account: pa.Array
    bic: pa.Array
    country_np: np.ndarray
    #: Every country code the streams write, and each company's index into it.
    countries: list[str]
    country_idx: np.ndarray
    hs6: pa.Array
    description: pa.Array

    @classmethod
    def of(cls, world: World, products: cal.Products, partners: list[str]) -> Columns:
        cos = world.companies
        country_np = np.array([c.country for c in cos])
        countries = sorted({*country_np.tolist(), *partners})
        return cls(
            pa.array([c.name for c in cos]),
            pa.array([c.country for c in cos]),
            pa.array([c.address for c in cos]),
            pa.array([c.account for c in cos]),
            pa.array([world.banks[c.bank].bic for c in cos]),
            country_np,
            countries,
            np.searchsorted(np.array(countries), country_np),
            pa.array(products.hs6, pa.string()),
            pa.array(products.description, pa.string()),
        )

    def country_of(self, codes: list[str]) -> np.ndarray:
        """Indices of ``codes`` into ``countries``."""
        return np.searchsorted(np.array(self.countries), np.array(codes))


def draw_partners(
    rng: np.random.Generator, world: World, countries: list[str], weights: np.ndarray, n: int
) -> np.ndarray:
    """Companies abroad, their country drawn by the calibrated destination shares."""
    country = rng.choice(len(countries), size=n, p=weights)
    out = np.empty(n, np.int64)
    for k, c in enumerate(countries):
        sel = country == k
        pool = world.by_country.get(c)
        if sel.any() and pool:
            out[sel] = rng.choice(pool, size=int(sel.sum()))
        elif sel.any():
            out[sel] = rng.integers(0, len(world.companies), int(sel.sum()))
    return out


def declarations(
    rng: np.random.Generator,
    node_country: str,
    day: int,
    n: int,
    seq0: int,
    world: World,
    cols: Columns,
    products: cal.Products,
    partners: list[str],
    weights: np.ndarray,
    vessel_imos: np.ndarray,
) -> dict[str, np.ndarray]:
    """``n`` declarations lodged in ``node_country`` on epoch ``day``, as index columns for
    ``render``; the payments stream ties to ``exporter``, ``importer``, ``value`` and ``flow``.

    Codes are drawn as indices with the same calls as choosing the strings themselves would make,
    so the generator's sequence (and with it the world of a seed) does not depend on rendering.
    """
    local = rng.choice(world.by_country[node_country], size=n)
    foreign = draw_partners(rng, world, partners, weights, n)
    flow = rng.choice(len(FLOWS), size=n, p=FLOW_P)
    exporting = flow != IMPORT
    exporter = np.where(exporting, local, foreign)
    importer = np.where(exporting, foreign, local)
    prod = rng.choice(len(products.hs6), size=n, p=products.weight)
    mass = np.round(rng.lognormal(np.log(cal.MASS_MEDIAN_KG), cal.MASS_SIGMA, n), 1) + 0.1
    price = products.price_median[prod] * rng.lognormal(0, products.price_sigma[prod])
    value = np.round(mass * price, 2)
    mode = rng.choice(len(MODES), size=n, p=MODE_P)
    # A re-export's goods originate in a third country: that of an earlier supplier.
    third = cols.country_of(partners)[rng.choice(len(partners), size=n)]
    origin = np.where(flow == RE_EXPORT, third, cols.country_idx[exporter])
    return {
        "node_country": np.full(n, cols.country_of([node_country])[0]),
        "seq": np.arange(seq0, seq0 + n, dtype=np.int64),
        "day": np.full(n, day, np.int64),
        "flow": flow,
        "local": local,
        "exporter": exporter,
        "importer": importer,
        "origin": origin,
        "product": prod,
        "mass": mass,
        "value": value,
        "incoterm": rng.integers(0, len(INCOTERMS), n),
        "mode": mode,
        "vessel_imo": vessel_imos[rng.integers(0, len(vessel_imos), n)],
    }


def render(d: dict[str, np.ndarray], cols: Columns) -> pa.Table:
    """Drawn declarations (any number of days and countries) as one table of ``TRADE_COLUMNS``."""
    n = len(d["seq"])
    countries = pa.array(cols.countries, pa.string())
    # Declaration numbers are 9-digit, zero-padded per declaring country (< 10^9 a country).
    ids = pc.binary_join_element_wise(
        pc.take(countries, d["node_country"]), digits(d["seq"], 9), "-"
    )
    exp_country = pooled(cols.country, d["exporter"])
    imp_country = pooled(cols.country, d["importer"])
    return pa.table(
        {
            "declaration_id": ids,
            "item_no": np.ones(n, np.int64),
            "declaration_date": iso_dates(d["day"]),
            "flow": pooled(pa.array(FLOWS), d["flow"]),
            "declarant_name": pooled(cols.name, d["local"]),
            "declarant_country": pooled(cols.country, d["local"]),
            "declarant_address": pooled(cols.address, d["local"]),
            "exporter_name": pooled(cols.name, d["exporter"]),
            "exporter_country": exp_country,
            "exporter_address": pooled(cols.address, d["exporter"]),
            "importer_name": pooled(cols.name, d["importer"]),
            "importer_country": imp_country,
            "importer_address": pooled(cols.address, d["importer"]),
            "origin_country": pooled(countries, d["origin"]),
            "dispatch_country": exp_country,
            "destination_country": imp_country,
            "hs_code": pooled(cols.hs6, d["product"]),
            "description": pooled(cols.description, d["product"]),
            "quantity": d["mass"],
            "unit": pa.repeat(pa.scalar("kg"), n),
            "net_mass_kg": d["mass"],
            "value": d["value"],
            "currency": pa.repeat(pa.scalar("EUR"), n),
            "incoterm": pooled(pa.array(INCOTERMS), d["incoterm"]),
            "transport_mode": pooled(pa.array(MODES), d["mode"]),
            "vessel_imo": pa.array(d["vessel_imo"], mask=d["mode"] != SEA),
        }
    )
