"""Comparison rules, clustering under judgements, and stable cluster ids."""

from __future__ import annotations

import pytest

from accord.resolve.cluster import (
    REJECTED,
    SAME_LIST,
    Edge,
    Member,
    assign_ids,
    build_clusters,
    mint_id,
)
from accord.resolve.compare import AUTO, REVIEW, compare, compare_dates, decide
from accord.resolve.keys import identifier_keys
from accord.resolve.names import NameForms
from accord.resolve.records import ResolveRecord


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        (["1986-11-22"], ["1986-11-23"], "near"),  # the UN/UK one-day disagreement
        (["1970-03-04"], ["1970-04-03"], "near"),  # day and month swapped
        (["1965-08-07"], ["1965-08-07", "1972-02-20"], "exact"),
        (["1951"], ["1951-06-02"], "partial"),
        (["1951-06-02"], ["1960-01-01"], "conflict"),
        ([], ["1960"], "unknown"),
    ],
)
def test_compare_dates(a: list[str], b: list[str], relation: str) -> None:
    assert compare_dates(a, b) == relation


def record(
    eid: str, list_id: str, name: str, family: str = "person", **facts: list[str]
) -> ResolveRecord:
    r = ResolveRecord(
        eid, list_id, list_id.upper(), "Person", family, name, eid, 1, names=[name], facts=facts
    )
    r.identifiers = identifier_keys(family, [], facts)
    return r


def decision(a: ResolveRecord, b: ResolveRecord, shared: tuple[str, ...]) -> str | None:
    c = compare(
        a, b, NameForms.build(a.names, a.family), NameForms.build(b.names, b.family), shared
    )
    rule = decide(c)
    return f"{rule.decision}: {rule.name}" if rule else None


def test_a_shared_passport_is_not_proof() -> None:
    """RYU Jin and KIL Jong Hun share passport and birth date in the EU file: only reviewed."""
    ryu = record("un-1", "un", "RYU JIN", passportNumber=["563410081"], birthDate=["1965-08-07"])
    kil = record(
        "eu-1", "eu", "Jong Hun KIL", passportNumber=["563410081"], birthDate=["1965-08-07"]
    )
    jin = record("eu-2", "eu", "Jin Ryu", passportNumber=["563410081"], birthDate=["1965-08-07"])
    assert decision(ryu, kil, ("doc:563410081",)) == f"{REVIEW}: identifier, names differ"
    assert decision(ryu, jin, ("doc:563410081",)) == f"{AUTO}: identifier+name"


def test_name_and_birth_date_link_people_without_identifiers() -> None:
    a = record("eu-1", "eu", "Denis Vasilievich MAIDANOV", birthDate=["1976-02-17"])
    b = record("uk-1", "uk", "Denis Vasilievich MAIDANOV", birthDate=["1976-02-17"])
    c = record("uk-2", "uk", "Denis Vasilievich MAIDANOV", birthDate=["1976"])
    assert decision(a, b, ()) == f"{AUTO}: name+birth date"
    assert decision(a, c, ()) == f"{REVIEW}: name+partial birth date"


def m(eid: str, list_id: str, family: str = "person") -> Member:
    return Member(eid, list_id, family)


def as_sets(clusters: list[frozenset[str]]) -> set[frozenset[str]]:
    return {c for c in clusters if len(c) > 1}


def test_rejected_pair_is_not_rejoined_through_a_third_record() -> None:
    members = [m("a", "un"), m("b", "eu"), m("c", "uk")]
    edges = [Edge("a", "c", 0.9), Edge("b", "c", 0.8)]
    clusters, held = build_clusters(members, edges, rejected=[("a", "b")])
    assert as_sets(clusters) == {frozenset({"a", "c"})}
    assert [h.reason for h in held] == [REJECTED]


def test_two_records_of_one_list_stay_apart_unless_confirmed() -> None:
    members = [m("un-1", "un"), m("eu-1", "eu"), m("eu-2", "eu")]
    edges = [Edge("un-1", "eu-1", 0.9), Edge("un-1", "eu-2", 0.7)]
    clusters, held = build_clusters(members, edges, [])
    assert as_sets(clusters) == {frozenset({"un-1", "eu-1"})}
    assert held[0].reason == SAME_LIST
    # An analyst's confirmation goes first: the automatic link to the other EU record yields.
    forced = [*edges, Edge("eu-2", "un-1", 1.0, confirmed=True)]
    clusters, held = build_clusters(members, forced, [])
    assert as_sets(clusters) == {frozenset({"un-1", "eu-2"})}
    assert [(h.edge.right, h.reason) for h in held] == [("eu-1", SAME_LIST)]


def test_no_cross_type_merge_even_when_confirmed() -> None:
    members = [m("p", "un", "person"), m("v", "eu", "vessel")]
    clusters, held = build_clusters(members, [Edge("p", "v", 1.0, confirmed=True)], [])
    assert as_sets(clusters) == set()
    assert held and held[0].reason == "different types"


def test_cluster_ids_survive_growth_merge_and_split() -> None:
    first = [frozenset({"un-1", "eu-1"}), frozenset({"uk-1"}), frozenset({"au-1", "ca-1"})]
    ids, _ = assign_ids(first, {}, set())
    assert ids[first[0]] == mint_id("eu-1", set())  # minted from the lowest member id
    previous = {e: ids[c] for c in first for e in c}
    # un/eu gains a member; uk-1 joins it too; au/ca splits.
    second = [
        frozenset({"un-1", "eu-1", "ofac-1", "uk-1"}),
        frozenset({"au-1"}),
        frozenset({"ca-1"}),
    ]
    new_ids, retired = assign_ids(second, previous, set(ids.values()))
    assert new_ids[second[0]] == ids[first[0]]  # the larger overlap keeps its id
    assert retired == {ids[first[1]]: ids[first[0]]}  # uk-1's old id points to where it went
    assert {new_ids[second[1]], new_ids[second[2]]} >= {ids[first[2]]}
    assert len(set(new_ids.values())) == 3


def test_one_name_two_registrations_are_two_companies() -> None:
    """OFAC lists an OAO and an OOO "Technopromexport": same name, different OGRN."""
    oao = record(
        "a-1",
        "ofac_cons",
        "OJSC FOREIGN ECONOMIC ASSOCIATION TECHNOPROMEXPORT",
        "organization",
        registrationNumber=["1067746244026"],
        country=["ru"],
    )
    ooo = record(
        "b-1",
        "ofac_sdn",
        "OOO FOREIGN ECONOMIC ASSOCIATION TECHNOPROMEXPORT",
        "organization",
        registrationNumber=["1147746527279"],
        country=["ru"],
    )
    assert decision(oao, ooo, ()) == f"{REVIEW}: name only"
    ooo.facts["registrationNumber"] = ["1067746244026"]
    ooo.identifiers = identifier_keys("organization", [], ooo.facts)
    assert decision(oao, ooo, ("reg:1067746244026",)) == f"{AUTO}: identifier+name"


def test_birth_year_links_only_long_identical_names_with_a_nationality() -> None:
    a = record("un-1", "un", "ABD AL-KHALIQ AL-HOUTHI", birthDate=["1984"], nationality=["ye"])
    b = record("eu-1", "eu", "Abd al-Khaliq al-Houthi", birthDate=["1984"], nationality=["ye"])
    short = record("eu-2", "eu", "Ali Hassan", birthDate=["1984"], nationality=["ye"])
    shorter = record("un-2", "un", "ALI HASSAN", birthDate=["1984"], nationality=["ye"])
    assert decision(a, b, ()) == f"{AUTO}: name+birth year"
    assert decision(shorter, short, ()) == f"{REVIEW}: name+partial birth date"
