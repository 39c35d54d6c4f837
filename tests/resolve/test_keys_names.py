"""Identifier normalization and the name comparator."""

from __future__ import annotations

import pytest

from accord.resolve.keys import document_key, identifier_keys, imo_key, unsc_key
from accord.resolve.names import NameForms, name_similarity


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("QDi.43", "QDi.043"),
        ("QDi.043", "QDi.043"),
        ("qdi 354", "QDi.354"),
        ("KPe.045", "KPe.045"),
        ("QDi.", None),
        ("not a ref", None),
    ],
)
def test_unsc_key(raw: str, key: str | None) -> None:
    assert unsc_key(raw) == key


@pytest.mark.parametrize(
    ("raw", "family", "key"),
    [
        ("IMO 9146730", "vessel", "IMO9146730"),  # a ship number: ship check digit holds
        ("9146731", "vessel", None),  # one digit off
        ("IMO5571322", "organization", "IMO5571322"),  # a company number: company check digit
        ("IMO5571322", "vessel", None),  # …which is not a valid ship number
        ("123456", "vessel", None),
    ],
)
def test_imo_key_checks_the_digit_of_its_kind(raw: str, family: str, key: str | None) -> None:
    assert imo_key(raw, family) == key


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("d 000-001300", "D000001300"),
        ("Z050399", "Z050399"),
        ("12345", None),
        ("000000", None),
        ("ABCDEFG", None),
    ],
)
def test_document_key(raw: str, key: str | None) -> None:
    assert document_key(raw) == key


def test_identifier_keys_put_passports_and_ids_together() -> None:
    keys = identifier_keys(
        "person", ["QDi.43"], {"passportNumber": ["A123456"], "idNumber": ["B9876543"]}
    )
    assert keys == {"unsc": {"QDi.043"}, "doc": {"A123456", "B9876543"}}


def _sim(a: list[str], b: list[str], family: str = "person") -> float:
    return name_similarity(NameForms.build(a, family), NameForms.build(b, family))[0]


@pytest.mark.parametrize(
    ("a", "b", "family"),
    [
        (["SAADI QADHAFI"], ["Saadi GADDAFI"], "person"),
        (["CHU HYO’K", "Ju Hyok"], ["Hyok Ju"], "person"),  # Korean order, apostrophes
        (["Mikhail Sergeyevich POTEPKIN"], ["Mikhail POTEPKIN"], "person"),  # no patronymic
        (["CHONMYONG SHIPPING CO"], ["CHON MYONG SHIPPING COMPANY LIMITED"], "organization"),
        (["Muhammad Dib ZAYTUN"], ["Mohammad Dib ZEITOUN"], "person"),
        (
            ["Tarak Ben Taher Ben Faleh OUNI HARZI"],
            ["Tariq Bin-Al-Tahar Bin Al Falih Al-'Awni AL-HARZI"],
            "person",
        ),
    ],
)
def test_spellings_of_one_name_agree(a: list[str], b: list[str], family: str) -> None:
    assert _sim(a, b, family) >= 0.75


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (["RYU JIN"], ["Jong Hun KIL"]),
        (["Munir ADANOV"], ["Tarif AL AKHRAS"]),
        (["ALI AKBAR TABATABAEI"], ["AZIM AGHAJANI"]),
    ],
)
def test_different_people_do_not(a: list[str], b: list[str]) -> None:
    assert _sim(a, b) < 0.5


def test_cyrillic_is_transliterated() -> None:
    assert _sim(["Михаил Потепкин"], ["Mikhail POTEPKIN"]) >= 0.9


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("INN7704366170", "7704366170"),
        ("OGRN 1167700061540", "1167700061540"),
        ("CRNO2182045", "2182045"),
        ("AB12345", "AB12345"),
    ],
)
def test_registration_key_drops_labels(raw: str, key: str) -> None:
    from accord.resolve.keys import registration_key

    assert registration_key(raw) == key
