"""Clusters from links: a union-find that respects judgements, with ids that stay put.

Edges are merged strongest first (confirmed judgements, then automatic links by score). A merge
is refused when it would put together two records an analyst said are different, even through
a third record, or two records of different types, or two records of the same list unless an
analyst confirmed it. The last is the list's own word: a list publishes one entity once, so
two of its records in one cluster mean one of the links is wrong (a shared passport number).

Cluster ids are minted from the lowest member id and then kept: a new clustering inherits, for
each cluster, the previous id that covers most of its members.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

SAME_LIST = "same list"
REJECTED = "rejected pair"
OTHER_TYPE = "different types"


@dataclass(frozen=True)
class Member:
    entity_id: str
    list_id: str
    family: str


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    score: float
    confirmed: bool = False


@dataclass(frozen=True)
class HeldEdge:
    """A link that was not applied, and why."""

    edge: Edge
    reason: str


@dataclass
class _Group:
    members: set[str]
    lists: set[str]
    family: str
    banned: set[str] = field(default_factory=set)


def build_clusters(
    members: Iterable[Member], edges: Iterable[Edge], rejected: Iterable[tuple[str, str]]
) -> tuple[list[frozenset[str]], list[HeldEdge]]:
    """Every member in exactly one cluster (singletons included), and the edges held back."""
    groups: dict[str, _Group] = {}
    root: dict[str, str] = {}
    for m in members:
        groups[m.entity_id] = _Group({m.entity_id}, {m.list_id}, m.family)
        root[m.entity_id] = m.entity_id
    for a, b in rejected:
        if a in groups and b in groups:
            groups[a].banned.add(b)
            groups[b].banned.add(a)
    ordered = sorted(edges, key=lambda e: (not e.confirmed, -e.score, e.left, e.right))
    held: list[HeldEdge] = []
    for edge in ordered:
        if edge.left not in root or edge.right not in root:
            continue
        ra, rb = root[edge.left], root[edge.right]
        if ra == rb:
            continue
        ga, gb = groups[ra], groups[rb]
        reason = _conflict(ga, gb, edge.confirmed)
        if reason:
            held.append(HeldEdge(edge, reason))
            continue
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        ga.members |= gb.members
        ga.lists |= gb.lists
        ga.banned |= gb.banned
        for member in gb.members:
            root[member] = ra
        del groups[rb]
    clusters = sorted((frozenset(g.members) for g in groups.values()), key=min)
    return clusters, held


def _conflict(a: _Group, b: _Group, confirmed: bool) -> str | None:
    if a.family != b.family:
        return OTHER_TYPE
    small, large = (a, b) if len(a.members) <= len(b.members) else (b, a)
    if not small.members.isdisjoint(large.banned):
        return REJECTED
    if not confirmed and not a.lists.isdisjoint(b.lists):
        return SAME_LIST
    return None


def mint_id(seed: str, taken: set[str]) -> str:
    """A new cluster id from its lowest member id; salted if that id was used before."""
    salt = 0
    while True:
        text = seed if salt == 0 else f"{seed}#{salt}"
        cid = "hz-" + hashlib.sha1(text.encode()).hexdigest()[:12]
        if cid not in taken:
            return cid
        salt += 1


def assign_ids(
    clusters: list[frozenset[str]], previous: dict[str, str], taken: set[str]
) -> tuple[dict[frozenset[str], str], dict[str, str]]:
    """Cluster ids for ``clusters``, inheriting ``previous`` (entity → id) by maximum overlap.

    Returns the ids and the retired previous ids with the id that now holds most of their
    members (for redirects). ``taken`` is every id ever issued; a retired id is never reissued.
    """
    overlaps: list[tuple[int, str, int]] = []
    for index, cluster in enumerate(clusters):
        counts = Counter(previous[e] for e in cluster if e in previous)
        overlaps.extend((n, old, index) for old, n in counts.items())
    overlaps.sort(key=lambda t: (-t[0], t[1], t[2]))
    ids: dict[int, str] = {}
    used: set[str] = set()
    for _, old, index in overlaps:
        if index not in ids and old not in used:
            ids[index] = old
            used.add(old)
    issued = set(taken)
    for index, cluster in enumerate(clusters):
        if index not in ids:
            ids[index] = mint_id(min(cluster), issued)
            issued.add(ids[index])
    by_cluster = {cluster: ids[i] for i, cluster in enumerate(clusters)}
    retired: dict[str, str] = {}
    for _, old, index in overlaps:
        if old not in used and old not in retired:
            retired[old] = ids[index]
    return by_cluster, retired
