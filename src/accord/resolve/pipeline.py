"""The pure part of a resolution: records in, proposed links and clusters out (no store)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.resolve.blocking import candidate_pairs, key_table
from accord.resolve.cluster import Edge, HeldEdge, Member, build_clusters
from accord.resolve.compare import AUTO, compare, decide, evidence, score
from accord.resolve.names import NameForms
from accord.resolve.records import LISTED, ResolveRecord

IDENTIFIER_RULES = frozenset({"identifier+name", "identifier+birth date"})


@dataclass(frozen=True)
class Link:
    left_id: str
    right_id: str
    left_list: str
    right_list: str
    family: str
    score: float
    rule: str
    decision: str
    evidence: dict[str, Any]


@dataclass
class Resolution:
    links: list[Link]
    clusters: list[frozenset[str]]
    held: list[HeldEdge]
    timings: dict[str, float] = field(default_factory=dict)
    candidates: int = 0


def pair_key(a: str, b: str) -> tuple[str, str]:
    """Pairs are stored with the lower id on the left, whatever order they were named in."""
    return (a, b) if a <= b else (b, a)


def propose_links(
    records: list[ResolveRecord],
    rejected: set[tuple[str, str]],
    timings: dict[str, float] | None = None,
) -> tuple[list[Link], int]:
    """Block, compare and decide: every pair worth keeping, except pairs an analyst rejected."""
    timings = timings if timings is not None else {}
    clock = time.perf_counter()
    by_id = {r.entity_id: r for r in records}
    forms = {r.entity_id: NameForms.build(r.names, r.family) for r in records}
    keys = key_table(records, forms)
    timings["keys"] = time.perf_counter() - clock
    clock = time.perf_counter()
    candidates = candidate_pairs(keys)
    timings["blocking"] = time.perf_counter() - clock
    clock = time.perf_counter()
    links: list[Link] = []
    for cand in candidates:
        if (cand.left_id, cand.right_id) in rejected:
            continue  # an analyst said no: never proposed again
        left, right = by_id[cand.left_id], by_id[cand.right_id]
        comparison = compare(
            left, right, forms[left.entity_id], forms[right.entity_id], cand.shared
        )
        rule = decide(comparison)
        if rule is None:
            continue
        links.append(
            Link(
                left_id=left.entity_id,
                right_id=right.entity_id,
                left_list=left.list_id,
                right_list=right.list_id,
                family=left.family,
                score=score(comparison),
                rule=rule.name,
                decision=rule.decision,
                evidence=evidence(comparison, rule),
            )
        )
    timings["comparison"] = time.perf_counter() - clock
    return links, len(candidates)


def cluster_links(
    members: Iterable[Member],
    links: Iterable[Link],
    confirmed: Iterable[tuple[str, str]],
    rejected: Iterable[tuple[str, str]],
    use: Callable[[Link], bool] = lambda link: link.decision == AUTO,
) -> tuple[list[frozenset[str]], list[HeldEdge]]:
    """Clusters from the links ``use`` accepts plus the confirmed pairs."""
    edges = [Edge(lk.left_id, lk.right_id, lk.score) for lk in links if use(lk)]
    edges += [Edge(a, b, 1.0, confirmed=True) for a, b in confirmed]
    return build_clusters(members, edges, rejected)


def resolve(
    records: list[ResolveRecord],
    confirmed: set[tuple[str, str]],
    rejected: set[tuple[str, str]],
) -> Resolution:
    timings: dict[str, float] = {}
    links, candidates = propose_links(records, rejected, timings)
    clock = time.perf_counter()
    members = [Member(r.entity_id, r.list_id, r.family) for r in records]
    clusters, held = cluster_links(members, links, confirmed, rejected)
    timings["clustering"] = time.perf_counter() - clock
    return Resolution(links, clusters, held, timings, candidates)


def span_counts(clusters: Iterable[frozenset[str]], lists_of: dict[str, str]) -> dict[str, int]:
    """How many clusters span 2, 3, 4 and 5 or more lists."""
    counted: Counter[str] = Counter()
    for cluster in clusters:
        n = len({lists_of[e] for e in cluster if e in lists_of})
        if n >= 2:
            counted["5+" if n >= 5 else str(n)] += 1
    return {k: counted[k] for k in ("2", "3", "4", "5+")}


def listed_lists(records: Iterable[ResolveRecord]) -> dict[str, str]:
    """entity id → list id, for records currently listed (delisted ones do not add a span)."""
    return {r.entity_id: r.list_id for r in records if r.status == LISTED}


def identifier_groups(
    records: list[ResolveRecord], links: Iterable[Link], list_ids: Iterable[str] | None = None
) -> list[frozenset[str]]:
    """Multi-list clusters formed by identifier links alone (optionally among some lists)."""
    wanted = set(list_ids) if list_ids is not None else None
    kept = [r for r in records if wanted is None or r.list_id in wanted]
    members = [Member(r.entity_id, r.list_id, r.family) for r in kept]
    clusters, _ = cluster_links(members, links, (), (), use=lambda lk: lk.rule in IDENTIFIER_RULES)
    lists_of = {r.entity_id: r.list_id for r in kept}
    return [c for c in clusters if len({lists_of[e] for e in c}) >= 2]
