"""The people, companies, banks and vessels of the world, with multilingual names.

A population is small next to the record streams (thousands to a few hundred thousand actors), so
it is plain objects; the streams that reference it are drawn as arrays of indices into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from faker import Faker

from accord.exercise.scenario import Scenario
from accord.exercise.seeding import imo_number, stream, sub_seed

#: Faker locale per country. KZ and KG registries use Russian-language names; offshore
#: jurisdictions' companies carry English names (that is what their registries hold).
LOCALES = {
    "DE": "de_DE",
    "FR": "fr_FR",
    "LV": "lv_LV",
    "CY": "el_CY",
    "GB": "en_GB",
    "NL": "nl_NL",
    "RU": "ru_RU",
    "KZ": "ru_RU",
    "KG": "ru_RU",
    "AM": "hy_AM",
    "GE": "ka_GE",
    "TR": "tr_TR",
    "AE": "ar_AE",
    "CN": "zh_CN",
    "IN": "en_IN",
    "UA": "uk_UA",
    "IR": "fa_IR",
    "IT": "it_IT",
    "PL": "pl_PL",
    "GR": "el_GR",
    "US": "en_US",
    "FI": "fi_FI",
    "EE": "et_EE",
    "LT": "lt_LT",
}
#: Secrecy jurisdictions: companies there hold layers of ownership chains.
SECRECY = ("VG", "SC", "PA", "MH", "BZ")
#: Flags of convenience and the MID (first 3 digits of an MMSI) each flag's MMSIs start with.
MID = {
    "PA": 352,
    "LR": 636,
    "MH": 538,
    "MT": 215,
    "GR": 240,
    "CY": 209,
    "SG": 563,
    "CN": 413,
    "DE": 211,
    "NL": 244,
    "NO": 257,
    "RU": 273,
    "TR": 271,
    "AE": 470,
    "IN": 419,
    "GA": 626,
    "CM": 613,
    "KM": 616,
    "PW": 511,
    "SL": 667,
    "LV": 275,
    "GB": 232,
    "HK": 477,
    "BS": 311,
}
#: Background flag shares (rough shares of the world fleet by deadweight, UNCTAD 2023).
FLAG_WEIGHTS = {
    "PA": 16,
    "LR": 16,
    "MH": 13,
    "HK": 8,
    "SG": 7,
    "MT": 6,
    "BS": 4,
    "CN": 4,
    "GR": 3,
    "NO": 2,
    "CY": 2,
    "DE": 1,
    "NL": 1,
    "GB": 1,
    "IN": 1,
    "TR": 1,
}
SHIP_TYPES = {"tanker": 80, "cargo": 70, "container": 71}
SEA_WORDS = (
    "Star",
    "Spirit",
    "Glory",
    "Ocean",
    "Wave",
    "Pearl",
    "Horizon",
    "Fortune",
    "Voyager",
    "Breeze",
    "Eagle",
    "Phoenix",
    "Crown",
    "Harmony",
    "Pioneer",
    "Trader",
    "Unity",
)


def _locale(country: str) -> str:
    return LOCALES.get(country, "en_GB")


@dataclass
class Company:
    id: str
    name: str
    country: str
    registration: str
    incorporated: date
    address: str
    bank: int  # index into World.banks
    account: str


@dataclass
class Person:
    id: str
    name: str
    country: str
    birth_date: date


@dataclass
class Bank:
    bic: str
    name: str
    country: str


@dataclass
class Vessel:
    imo: int
    name: str
    flag: str
    mmsi: int
    callsign: str
    ship_type: int
    owner: int  # index into World.companies


@dataclass
class Edge:
    """An ownership (``share`` in %) or directorship (``share`` None) between two actors."""

    id: str
    owner: str
    asset: str
    share: float | None
    start: date
    role: str = ""


@dataclass
class World:
    companies: list[Company] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    banks: list[Bank] = field(default_factory=list)
    vessels: list[Vessel] = field(default_factory=list)
    ownerships: list[Edge] = field(default_factory=list)
    directorships: list[Edge] = field(default_factory=list)
    by_country: dict[str, list[int]] = field(default_factory=dict)
    banks_by_country: dict[str, list[int]] = field(default_factory=dict)

    def company(self, cid: str) -> Company:
        return next(c for c in self.companies if c.id == cid)


class Namer:
    """Faker per locale, each seeded from the scenario seed and the locale."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._fakers: dict[str, Faker] = {}

    def faker(self, country: str) -> Faker:
        loc = _locale(country)
        if loc not in self._fakers:
            fk = Faker(loc)
            fk.seed_instance(sub_seed(self.seed, "faker", loc))
            self._fakers[loc] = fk
        return self._fakers[loc]

    def person(self, country: str) -> str:
        return str(self.faker(country).name())

    def company(self, country: str) -> str:
        if country in SECRECY:
            fk = self.faker("GB")
            kind = fk.random_element(("Holdings", "Ventures", "Capital", "Trading"))
            return f"{fk.last_name()} {kind} Ltd"
        return str(self.faker(country).company())

    def address(self, country: str) -> str:
        return " ".join(str(self.faker(country).address()).split())


def bic(rng: np.random.Generator, country: str) -> str:
    letters = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 4))
    loc = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 2))
    return f"{letters}{country}{loc}"


def account(rng: np.random.Generator, country: str) -> str:
    return country + "".join(str(int(d)) for d in rng.integers(0, 10, 20))


def add_company(
    world: World,
    namer: Namer,
    rng: np.random.Generator,
    country: str,
    incorporated: date,
    name: str | None = None,
) -> Company:
    """A company registered in ``country``, banking with a bank there (or abroad if none)."""
    banks = world.banks_by_country.get(country) or list(range(len(world.banks)))
    n = len(world.companies)
    company = Company(
        id=f"co-{country.lower()}-{n:07d}",
        name=name or namer.company(country),
        country=country,
        registration=f"{country}{int(rng.integers(10**7, 10**8))}",
        incorporated=incorporated,
        address=namer.address(country),
        bank=int(rng.choice(banks)),
        account=account(rng, country),
    )
    world.companies.append(company)
    world.by_country.setdefault(country, []).append(n)
    return company


def add_person(
    world: World, namer: Namer, rng: np.random.Generator, country: str, name: str | None = None
) -> Person:
    born = date(1950, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 50)))
    person = Person(
        f"pe-{country.lower()}-{len(world.persons):07d}",
        name or namer.person(country),
        country,
        born,
    )
    world.persons.append(person)
    return person


def build_population(scenario: Scenario, namer: Namer) -> World:
    """Banks, companies, persons, ownership and directorships, vessels: the background actors."""
    bg = scenario.background
    world = World()
    rng = stream(scenario.seed, "population")
    countries = [*scenario.all_countries, *SECRECY]
    for country in countries:
        for _ in range(bg.banks_per_country if country not in SECRECY else 1):
            idx = len(world.banks)
            world.banks.append(
                Bank(bic(rng, country), f"{namer.faker(country).last_name()} Bank", country)
            )
            world.banks_by_country.setdefault(country, []).append(idx)
    n_co = scenario.volume(bg.companies_per_country)
    n_pe = scenario.volume(bg.persons_per_country)
    for country in countries:
        small = country in SECRECY or country == scenario.sanctioned_country
        for _ in range(n_co // 4 if small else n_co):
            # Company ages: most are years old; a few percent were incorporated within the last
            # year (newly incorporated companies are normal — the front-company scheme's cover).
            age = int(rng.exponential(3650)) if rng.random() > 0.05 else int(rng.integers(0, 365))
            add_company(world, namer, rng, country, scenario.start - timedelta(days=age + 1))
        for _ in range(n_pe // 4 if small else n_pe):
            add_person(world, namer, rng, country)
    _link(scenario, world, rng)
    _vessels(scenario, world, namer)
    return world


def _link(scenario: Scenario, world: World, rng: np.random.Generator) -> None:
    """Owners and directors. Corporate-service nominees direct many companies at once: a normal
    business that also looks like the layering scheme's nominee directors."""
    persons = len(world.persons)
    nominees = rng.choice(persons, size=max(1, persons // 50), replace=False)
    secrecy = [i for c in SECRECY for i in world.by_country.get(c, [])]
    for i, co in enumerate(world.companies):
        start = co.incorporated
        roll = rng.random()
        if roll < 0.15 and secrecy:
            # Held through an offshore holding: the innocent look-alike of a layered chain.
            owner = world.companies[int(rng.choice(secrecy))].id
        elif roll < 0.25:
            owner = world.companies[int(rng.integers(0, len(world.companies)))].id
        else:
            owner = world.persons[int(rng.integers(0, persons))].id
        if owner != co.id:
            share = float(rng.choice([100.0, 75.0, 51.0, 50.0, 33.3, 25.0]))
            world.ownerships.append(Edge(f"own-{i:07d}-0", owner, co.id, share, start))
        director = (
            int(rng.choice(nominees)) if co.country in SECRECY else int(rng.integers(0, persons))
        )
        world.directorships.append(
            Edge(f"dir-{i:07d}-0", world.persons[director].id, co.id, None, start, "director")
        )


def _vessels(scenario: Scenario, world: World, namer: Namer) -> None:
    rng = stream(scenario.seed, "vessels")
    flags = list(FLAG_WEIGHTS)
    weights = np.array(list(FLAG_WEIGHTS.values()), float)
    for i in range(scenario.volume(scenario.background.vessels)):
        flag = str(rng.choice(flags, p=weights / weights.sum()))
        world.vessels.append(make_vessel(rng, i, flag, len(world.companies)))


def make_vessel(rng: np.random.Generator, i: int, flag: str, n_companies: int) -> Vessel:
    name = f"{rng.choice(SEA_WORDS)} {rng.choice(SEA_WORDS)}".upper()
    if rng.random() < 0.5:
        name = f"{name} {int(rng.integers(1, 9))}"
    return Vessel(
        imo=imo_number(900_000 + (i * 7919) % 99_999),
        name=name,
        flag=flag,
        mmsi=mmsi_for(rng, flag),
        callsign="".join(chr(65 + int(x)) for x in rng.integers(0, 26, 4)),
        ship_type=int(rng.choice(list(SHIP_TYPES.values()))),
        owner=int(rng.integers(0, n_companies)),
    )


def mmsi_for(rng: np.random.Generator, flag: str) -> int:
    return MID.get(flag, 636) * 1_000_000 + int(rng.integers(0, 1_000_000))
