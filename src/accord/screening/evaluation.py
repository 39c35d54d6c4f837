"""Evaluation cases built from the real lists, and the measures taken on them.

Families:
* ``variant``: the same entity on two lists, found through shared official identifiers (UN
  reference, IMO number, passport number); the query is one list's primary name, the target
  the other list's record. A link counts only when the two records write a similar name (see
  ``_agree``: the files hold shared passport numbers and misplaced references, and an alias
  only one list knows is no spelling variant) and, for passports, compatible birth years.
  ``hard`` marks the cases whose normalized names differ.
* ``cross_script``: a name the lists carry in its original script (Arabic, Cyrillic, Hangul…)
  as the query; the target is the same entity on another list that has only Latin names.
* ``hard_negative``: a listed person's name and birth date as the query; the target is a
  different listed person with a similar name and a birth year at least two years apart.
* ``non_listed``: realistic names from many locales (faker) that are not on any list.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz

from accord.lists.model import ListedEntity
from accord.screening.engine import Screener
from accord.screening.query import Query
from accord.screening.scripts import ascii_fold, romanize, scripts_of

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_UN_REF = re.compile(r"^([A-Za-z]{3})\.?\s*0*(\d+)")
FAKER_LOCALES = (
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR", "nl_NL", "pl_PL", "ru_RU",
    "uk_UA", "tr_TR", "ar_AA", "fa_IR", "he_IL", "el_GR", "hi_IN", "zh_CN", "ja_JP", "ko_KR",
    "vi_VN", "id_ID", "en_IN", "es_MX", "sv_SE", "cs_CZ", "hu_HU", "ro_RO", "th_TH", "ka_GE",
)  # fmt: skip


@dataclass(frozen=True)
class Case:
    family: str
    query: dict[str, Any]
    target: tuple[str, str] | None  # (list id, record id) of the listed entity, or None
    match: bool
    hard: bool = False
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        target = {"list": self.target[0], "record": self.target[1]} if self.target else None
        return {
            "family": self.family,
            "query": self.query,
            "target": target,
            "match": self.match,
            "hard": self.hard,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Case:
        t = data.get("target")
        return cls(
            family=data["family"],
            query=data["query"],
            target=(t["list"], t["record"]) if t else None,
            match=data["match"],
            hard=data.get("hard", False),
            note=data.get("note", ""),
        )


def name_key(name: str) -> str:
    """ASCII, lower case, sorted tokens ("QADHAFI, Saadi" → "qadhafi saadi")."""
    return " ".join(sorted(t for t in _NON_ALNUM.split(ascii_fold(name).lower()) if t))


def _names(item: ListedEntity) -> list[str]:
    out: list[str] = []
    for prop in ("name", "alias", "previousName"):
        if item.entity.schema.get(prop) is not None:
            out.extend(item.entity.get(prop))
    return out


def _is_latin(name: str) -> bool:
    return scripts_of(name) <= {"Latin"}


def _keys(item: ListedEntity) -> Iterator[str]:
    for sanction in item.sanctions:
        for ref in sanction.get("unscId"):
            m = _UN_REF.match(ref.strip())
            if m:
                yield f"un:{m.group(1).upper()}.{int(m.group(2))}"
    props = item.entity.schema.properties
    if "imoNumber" in props:
        for imo in item.entity.get("imoNumber"):
            yield f"imo:{re.sub(r'[^0-9]', '', imo)}"
    if "passportNumber" in props:
        for pp in item.entity.get("passportNumber"):
            norm = re.sub(r"[^A-Z0-9]", "", pp.upper())
            if len(norm) >= 6:
                yield f"pp:{norm}"


def _dobs(item: ListedEntity) -> list[str]:
    if item.entity.schema.get("birthDate") is None:
        return []
    return list(item.entity.get("birthDate"))


def _agree(a: ListedEntity, b: ListedEntity) -> bool:
    """Guard for identifier links. The files carry errors: one EU record holds two people's
    passports, several people share passport 0000092405, a UN reference sits on another
    person's EU record. A link counts when the two records write a similar name (a spelling
    variant, which is what this family measures; an alias only one list knows is not) and,
    for passport links, their birth years agree where both give one (``_same_born``)."""
    best = max(
        (fuzz.token_set_ratio(name_key(x), name_key(y)) for x in _names(a) for y in _names(b)),
        default=0.0,
    )
    return best >= 60


def _same_born(a: ListedEntity, b: ListedEntity) -> bool:
    da, db = {d[:4] for d in _dobs(a)}, {d[:4] for d in _dobs(b)}
    return not (da and db) or bool(da & db)


def link_pairs(items: list[ListedEntity]) -> set[tuple[int, int]]:
    """Pairs of records on different lists that share an official identifier."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for key in set(_keys(item)):
            by_key[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key, members in by_key.items():
        if len(members) > 12:
            continue  # a placeholder number shared by many records, not an identity
        for a, b in combinations(sorted(members), 2):
            ia, ib = items[a], items[b]
            if ia.provenance.list_id == ib.provenance.list_id:
                continue
            if not _agree(ia, ib) or (key.startswith("pp:") and not _same_born(ia, ib)):
                continue
            pairs.add((a, b))
    return pairs


def name_dob_pairs(items: list[ListedEntity]) -> set[tuple[int, int]]:
    """Persons on different lists with the same Latin name and the same full birth date."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.entity.schema.name != "Person":
            continue
        full = [d for d in _dobs(item) if len(d) == 10]
        for name in _names(item):
            if _is_latin(name):
                for dob in full:
                    by_key[(name_key(name), dob)].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in by_key.values():
        for a, b in combinations(sorted(set(members)), 2):
            if items[a].provenance.list_id != items[b].provenance.list_id:
                pairs.add((a, b))
    return pairs


def _query(item: ListedEntity, name: str, with_dob: bool = False) -> dict[str, Any]:
    schema = item.entity.schema.name
    q: dict[str, Any] = {"schema": schema if schema != "Airplane" else "Vessel", "names": [name]}
    if with_dob:
        dates = [d for d in _dobs(item) if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d)]
        if dates:
            q["birth_dates"] = dates[:5]
    return q


def _ref(item: ListedEntity) -> tuple[str, str]:
    return (item.provenance.list_id, item.provenance.record_id)


def variant_cases(items: list[ListedEntity], pairs: Iterable[tuple[int, int]]) -> list[Case]:
    cases: list[Case] = []
    for a, b in sorted(pairs):
        for q, t in ((a, b), (b, a)):
            names = [n for n in items[q].entity.get("name") if _is_latin(n)]
            if not names:
                continue
            hard = name_key(names[0]) not in {name_key(n) for n in _names(items[t])}
            cases.append(Case("variant", _query(items[q], names[0]), _ref(items[t]), True, hard))
    return cases


def cross_script_cases(items: list[ListedEntity], pairs: Iterable[tuple[int, int]]) -> list[Case]:
    cases: dict[tuple[str, tuple[str, str]], Case] = {}
    for a, b in sorted(pairs):
        for q, t in ((a, b), (b, a)):
            src, tgt = items[q], items[t]
            if not all(_is_latin(n) for n in _names(tgt)):
                continue
            # EU gives organizations' names translated into EU languages, not transliterated.
            if src.provenance.list_id == "eu" and src.entity.schema.name != "Person":
                continue
            for name in _names(src):
                if not _is_latin(name) and scripts_of(name):
                    script = sorted(scripts_of(name) - {"Latin"})[0]
                    key = (name, _ref(tgt))
                    cases[key] = Case(
                        "cross_script", _query(src, name), _ref(tgt), True, True, script
                    )
    return list(cases.values())


def hard_negative_cases(
    items: list[ListedEntity], linked: set[tuple[int, int]], limit: int, seed: int = 7
) -> list[Case]:
    """Different listed persons with similar names and birth years two or more years apart."""
    same: dict[int, set[int]] = defaultdict(set)
    for a, b in linked:
        same[a].add(b)
        same[b].add(a)
    blocks: dict[str, list[int]] = defaultdict(list)
    keys: dict[int, str] = {}
    for i, item in enumerate(items):
        if item.entity.schema.name != "Person" or not _dobs(item):
            continue
        names = [n for n in item.entity.get("name") if _is_latin(n)]
        if not names:
            continue
        keys[i] = name_key(names[0])
        for tok in keys[i].split():
            if len(tok) >= 4:
                blocks[tok].append(i)
    found: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) > 300:
            continue
        for a, b in combinations(members, 2):
            if b in same[a] or (a, b) in found:
                continue
            years_a = {int(d[:4]) for d in _dobs(items[a])}
            years_b = {int(d[:4]) for d in _dobs(items[b])}
            if min(abs(x - y) for x in years_a for y in years_b) < 2:
                continue
            if fuzz.token_sort_ratio(keys[a], keys[b]) < 88:
                continue
            # The same name on two lists with birth years apart is often one person whose
            # lists disagree (Iyad ag Ghali: 1958 on UN, EU, UK, AU; 1954 on OFAC): not a
            # reliable negative. Within one list, the list itself tells namesakes apart.
            cross_list = items[a].provenance.list_id != items[b].provenance.list_id
            if cross_list and keys[a] == keys[b]:
                continue
            found.add((a, b))
    chosen = sorted(found)
    random.Random(seed).shuffle(chosen)
    cases = []
    for a, b in chosen[:limit]:
        query = _query(items[a], items[a].entity.get("name")[0], with_dob=True)
        cases.append(Case("hard_negative", query, _ref(items[b]), False, True))
    return cases


def non_listed_cases(items: list[ListedEntity], per_locale: int, seed: int = 11) -> list[Case]:
    """Person and company names from many locales, minus any that equal a listed name."""
    from faker import Faker

    listed = {name_key(n) for item in items for n in _names(item)}
    listed |= {key for item in items for n in _names(item) for key in _romanized_keys(n)}
    cases: list[Case] = []
    for locale in FAKER_LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        for i in range(per_locale):
            is_company = i % 5 == 4
            name = fake.company() if is_company else fake.name()
            if name_key(name) in listed or _romanized_keys(name) & listed:
                continue  # a namesake of a listed name is not a non-listed name
            schema = "Company" if is_company else "Person"
            cases.append(
                Case("non_listed", {"schema": schema, "names": [name]}, None, False, note=locale)
            )
    return cases


def _romanized_keys(name: str) -> set[str]:
    """Keys of the standard romanizations of a name in another script ("김영수" → "kim su
    yong", "gim su yeong"); Korean readings of Chinese characters are not how a Chinese name
    is written in Latin, so they do not count."""
    if _is_latin(name):
        return set()
    return {name_key(r.text) for r in romanize(name) if r.method != "han-korean"}


@dataclass
class Tally:
    total: int = 0
    alerts: int = 0  # positives found, or negatives alerted
    retrieved: int = 0  # positives among retrieval candidates
    hard_total: int = 0
    hard_alerts: int = 0
    misses: list[Case] = field(default_factory=list)


def evaluate(
    screener: Screener, cases: Iterable[Case], threshold: float, check_retrieval: bool = True
) -> dict[str, Tally]:
    """Run every case; a positive counts when its target is among the hits at ``threshold``."""
    ids = {(e.list_id, e.record_id): e.id for e in screener.index.entities}
    out: dict[str, Tally] = defaultdict(Tally)
    for case in cases:
        tally = out[case.family]
        query = Query.parse(case.query)
        hits = screener.screen(query, threshold=threshold, limit=100)
        target = ids.get(case.target) if case.target else None
        hit = any(h.entity_id == target for h in hits) if target else bool(hits)
        tally.total += 1
        tally.alerts += hit
        if case.hard:
            tally.hard_total += 1
            tally.hard_alerts += hit
        if case.match and check_retrieval and target:
            tally.retrieved += target in screener.candidates(query, k=100)
        if hit != case.match:
            tally.misses.append(case)
    return dict(out)


def sample_cases(
    families: dict[str, list[Case]], sizes: dict[str, int], seed: int = 3
) -> list[Case]:
    """A reproducible sample per family (hard variants over-represented: they carry the risk)."""
    rng = random.Random(seed)
    out: list[Case] = []
    for family, size in sizes.items():
        pool = families.get(family, [])
        if family == "variant":
            hard = [c for c in pool if c.hard]
            easy = [c for c in pool if not c.hard]
            out += rng.sample(hard, min(len(hard), size // 3))
            out += rng.sample(easy, min(len(easy), size - size // 3))
        else:
            out += rng.sample(pool, min(len(pool), size))
    return out


def build_cases(
    items: list[ListedEntity], negatives: int = 1500, per_locale: int = 100
) -> dict[str, list[Case]]:
    """Every family of cases from the listed entities (see the module docstring)."""
    linked = link_pairs(items)
    by_name = name_dob_pairs(items)
    return {
        "variant": variant_cases(items, linked),
        "cross_script": cross_script_cases(items, linked | by_name),
        "hard_negative": hard_negative_cases(items, linked | by_name, negatives),
        "non_listed": non_listed_cases(items, per_locale),
    }
