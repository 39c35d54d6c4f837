"""Distributions of the background, and the real data that calibrates them where it exists.

* Destination shares of exports: EU-27 exports by partner in 2023 (Eurostat Comext, in
  ``../shared/data/trade/``), restricted to the world's countries; uniform when the file is absent.
* Products: the HS 2022 subheadings (``hs2022_nomenclature.csv``), popularity Zipf-like (a few
  products carry most lines, as in every customs dataset); Common High Priority List codes
  (``chpl_hs6.csv``) get ``CHPL_SHARE`` of lines.
* Unit values: per product a median in EUR/kg, log-uniform over 1–500 (CHPL electronics 50–5,000),
  and a log-normal spread whose sigma is drawn per product in 0.35–0.9: within one HS-6 code unit
  values routinely span an order of magnitude, so a 3× price is not by itself a red flag.
* Net mass per line: log-normal, median 800 kg, sigma 1.6 (heavy tail: bulk shipments).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from followthemoney.types import registry

from accord.errors import InvalidInputError

CHPL_SHARE = 0.02
MASS_MEDIAN_KG = 800.0
MASS_SIGMA = 1.6


@dataclass(frozen=True)
class Products:
    hs6: list[str]
    description: list[str]
    weight: np.ndarray  # probability of each product per declaration line
    price_median: np.ndarray  # EUR per kg
    price_sigma: np.ndarray
    chpl: np.ndarray  # bool

    def index(self, code: str) -> int:
        return self.hs6.index(code)


def load_products(shared: Path, rng: np.random.Generator) -> Products:
    nomenclature = shared / "data" / "hs_codes" / "hs2022_nomenclature.csv"
    chpl_file = shared / "data" / "hs_codes" / "chpl_hs6.csv"
    if not nomenclature.is_file() or not chpl_file.is_file():
        raise InvalidInputError(
            f"the exercise world needs the HS 2022 nomenclature and the CHPL under {shared}/data/"
            "hs_codes (set ACCORD_SHARED_DIR)"
        )
    with nomenclature.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["level"] == "6"]
    with chpl_file.open(encoding="utf-8") as fh:
        chpl_codes = {r["hs6"] for r in csv.DictReader(fh)}
    codes = [r["hscode"] for r in rows]
    chpl = np.array([c in chpl_codes for c in codes])
    n = len(codes)
    rank = rng.permutation(n) + 1
    weight = 1.0 / rank**1.1
    weight[chpl] = 0.0
    weight = weight / weight.sum() * (1 - CHPL_SHARE)
    weight[chpl] = CHPL_SHARE / chpl.sum()
    median = np.exp(rng.uniform(np.log(1), np.log(500), n))
    median[chpl] = np.exp(rng.uniform(np.log(50), np.log(5000), chpl.sum()))
    return Products(
        codes,
        [r["description"][:80] for r in rows],
        weight,
        median,
        rng.uniform(0.35, 0.9, n),
        chpl,
    )


def destination_weights(shared: Path, countries: list[str]) -> np.ndarray:
    """Shares of ``countries`` as EU export destinations in 2023 (uniform without the file)."""
    path = shared / "data" / "trade" / "eurostat_comext_eu27_exports_annual_by_partner.csv"
    values = dict.fromkeys(countries, 0.0)
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["period"] != "Jan.-Dec. 2023":
                    continue
                code = registry.country.clean_text(row["partner"])
                if code and code.upper() in values and row["value_eur"]:
                    values[code.upper()] += float(row["value_eur"])
    w = np.array([values[c] for c in countries], float)
    if w.sum() == 0:
        w[:] = 1.0
    # Countries absent from the file (EU members trade inside the EU) get the median share.
    w[w == 0] = np.median(w[w > 0])
    shares: np.ndarray = w / w.sum()
    return shares
