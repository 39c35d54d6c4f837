"""Name comparison rules: abjad romanizations against Latin, syllabic readings, middle names,
spelling keys, and names within a name."""

from __future__ import annotations

import pytest

from accord.screening.names import (
    SIDE_LISTED,
    SIDE_QUERY,
    compare_tokens,
    spelling_key,
    syllable_sim,
    token_sim,
    vowel_aware_sim,
)
from accord.screening.normalize import analyze, skeleton

ONES = (1.0,) * 8


def _score(query: str, listed: str, **kwargs: object) -> float:
    q, lt = tuple(query.split()), tuple(listed.split())
    return compare_tokens(q, ONES[: len(q)], lt, ONES[: len(lt)], **kwargs).score  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("script", "latin"),
    [("mnyr", "mounir"), ("hsyn", "hussein"), ("mstfy", "mostafa"), ("jmal", "djamel"),
     ("abrahym", "ibrahim"), ("mtsdq", "motassadeq"), ("lwnysy", "lounici")],
)  # fmt: skip
def test_long_vowels_the_script_writes_fit_the_latin_spelling(script: str, latin: str) -> None:
    assert vowel_aware_sim(script, latin) >= 0.9


@pytest.mark.parametrize(("script", "latin"), [("myr", "omar"), ("aynaz", "unsi")])
def test_long_vowels_that_do_not_fit_lower_the_similarity(script: str, latin: str) -> None:
    # Same consonant skeleton, so only the written long vowels tell them apart.
    assert skeleton(script) == skeleton(latin) or script == "aynaz"
    assert vowel_aware_sim(script, latin) < 0.8
    assert token_sim(script, latin, True, SIDE_QUERY) < 0.6


def test_both_sides_in_the_script_compare_their_letters() -> None:
    # Jalili / Jalali: one skeleton, different written vowels.
    both = SIDE_QUERY | SIDE_LISTED
    assert token_sim("jlyly", "jlaly", True, both) < 0.6
    assert token_sim("hsyn", "hsyn", True, both) == 1.0


def test_a_syllabic_reading_needs_every_syllable() -> None:
    # 李明 read as Korean ("ri myong") is not "Ri Myong Su", nor "sang" "song".
    assert _score("ri myong", "ri myong su", syllabic=True) < 0.7
    assert _score("ri myong", "ri myong su") > _score("ri myong", "ri myong su", syllabic=True)
    near = _score("kim sang hun", "kim song hun", syllabic=True)
    assert near < _score("kim sang hun", "kim song hun") and near < 0.92
    assert _score("kim jong un", "jong un kim", syllabic=True) == 1.0


def test_left_out_middle_names_cost_less_than_missing_ends() -> None:
    middle = _score("muhsin fadhli", "muhsin fadhil ayed ashour fadhli")
    end = _score("muhsin fadhli", "muhsin fadhli fadhil ayed ashour")
    assert middle >= 0.75 > end
    # Order not kept: no discount.
    assert _score("fadhli muhsin", "muhsin fadhil ayed ashour fadhli") < middle


def test_the_persian_reading_only_where_it_differs() -> None:
    assert [f.method for f in analyze("فضل رحيم", "person")] == [
        "consonantal", "consonantal-persian",
    ]  # fmt: skip
    assert [f.tokens for f in analyze("ولی", "person")] == [("wly",), ("vly",)]
    assert [f.method for f in analyze("محمد عمر", "person")] == ["consonantal"]


def test_urdu_and_pashto_letters_are_transliterated() -> None:
    """ICU leaves ہ, ھ, ڑ … as they are: "اظہر" (Azhar) must stay one word with its "h"."""
    assert analyze("محمد مسعود اظہر علوی", "person")[0].tokens == ("mhmd", "msawd", "azhr", "alwy")
    assert analyze("ابراھیم", "person")[0].tokens == ("abrahym",)
    assert analyze("گیدڑ", "person")[0].tokens == ("gydr",)


def test_abd_al_written_joined_is_two_words_as_in_latin() -> None:
    """Persian and Urdu write "عبدالغفار" as one word, Latin lists "Abdul Ghafar" as two."""
    assert analyze("عبدالغفار شینواری", "person")[0].tokens == ("abd", "ghfar", "shynwary")
    assert analyze("Abdul Ghafar Shinwari", "person")[0].tokens[:2] == ("abd", "ghafar")
    assert analyze("عبدالله", "person")[0].tokens == ("abdallh",)  # Abdallah is one name


def test_an_arabic_script_query_does_not_pay_for_a_latin_article() -> None:
    # "ماهر الاسد" reads "mahr asd": the script glues the article to its word and it is dropped.
    script = _score("mahr asd", "mahir al assad", consonantal=True, sides=SIDE_QUERY)
    assert script == _score("mahr asd", "mahir assad", consonantal=True, sides=SIDE_QUERY)
    # Latin against Latin, a listed word the query lacks still costs, article or not.
    assert _score("mahir assad", "mahir al assad") < _score("mahir assad", "mahir assad")


def test_a_repeated_word_pairs_with_its_counterpart_in_place() -> None:
    match = compare_tokens(
        ("abd", "al", "muhsin", "al", "libi"), ONES[:5], ("abd", "al", "muhsin"), ONES[:3]
    )
    assert [(p.query, p.listed) for p in match.pairs][:3] == [
        ("abd", "abd"), ("al", "al"), ("muhsin", "muhsin")
    ]  # fmt: skip
    # The query's second "al" is left over at the end, with "libi".
    assert [p.query for p in match.pairs if not p.listed] == ["al", "libi"]


@pytest.mark.parametrize(
    ("a", "b"), [("hussein", "husayn"), ("zeitoun", "zaytun"), ("rodrigues", "rodriguez")]
)
def test_spellings_of_one_name(a: str, b: str) -> None:
    assert spelling_key(a) == spelling_key(b)
    assert token_sim(a, b) >= 0.9


@pytest.mark.parametrize(("a", "b"), [("teresa", "torres"), ("cech", "cec")])
def test_short_or_distant_words_get_no_spelling_credit(a: str, b: str) -> None:
    assert token_sim(a, b) < 0.9


def test_names_within_a_name() -> None:
    forms = {f.tokens for f in analyze("BUTEMBO AIRLINES (BAL)", "org")}
    assert {("butembo", "airlines"), ("bal",)} <= forms
    both = {f.tokens for f in analyze("CAGL ; GREAT LAKES BUSINESS COMPANY (GLBC)", "org")}
    assert ("cagl",) in both and ("glbc",) in both
    # A generic word or a legal form in brackets is no name; a person's remark is dropped.
    assert ("group",) not in {f.tokens for f in analyze("CSSC OFFSHORE (GROUP) LIMITED", "org")}
    assert all(f.tokens for f in analyze("КБ МРБ (ООО)", "org"))
    assert ("llc",) not in {f.tokens for f in analyze("КБ МРБ (ООО)", "org")}
    person = {f.tokens for f in analyze("Adel ben Soltane (formerly listed as)", "person")}
    assert ("adel", "ben", "soltane") in person
    # A remark on the birth written after a person's name is no part of it.
    born = "Safia Farkash Mohammed Al-Hadad, born 1 Jan. 1953 (Oman passport no.03825239)"
    assert ("safia", "farkash", "mohammed", "al", "hadad") in {f.tokens for f in analyze(born)}
    assert ("mohammad", "ishaq", "akhund") in {
        f.tokens for f in analyze("Mohammad Ishaq Akhund born in 1963", "person")
    }
    assert analyze("Newborn Trading", "org")[0].tokens == ("newborn", "trading")


def test_ayn_reads_as_a_vowel_mark_and_abd_forms_agree() -> None:
    assert [f.tokens for f in analyze("عمر", "person")] == [("amr",)]
    arabic = analyze("عبد الرحمن ياسين", "person")[0].tokens
    latin = analyze("Abdul Rahman Yasin", "person")[0].tokens
    assert arabic[0] == latin[0] == "abd"


def test_two_words_written_as_one_align_with_it() -> None:
    """Names like "Jamal Eddin" / "JAMALEDDINE": two adjacent words of either side, joined,
    align with one word of the other (the pair is one aligned pair in the explanation)."""
    q, lt = ("mohammed", "nazer", "jamal", "eddin"), ("mohammed", "jamaleddine")
    match = compare_tokens(q, ONES[:4], lt, ONES[:2])
    assert ("jamal eddin", "jamaleddine") in [(p.query, p.listed) for p in match.pairs]
    assert match.score > 0.75
    # The other way round, and only close joined spellings count.
    assert _score("mohammed jamaleddine", "mohammed nazer jamal eddin") > 0.7
    assert _score("mohammed jamaleddine", "mohammed jamal hassan") < 0.6
    # Information counts each query word once, its similarity that of its pair.
    group = next(p for p in match.pairs if p.listed == "jamaleddine")
    assert match.info == pytest.approx(1.0 + 2 * group.sim)


def test_syllables_differing_by_a_vowel_are_other_syllables() -> None:
    """김상훈 (Kim Sang-hun) is not "Kim Song Hun" (김성훈 in McCune-Reischauer): read syllable
    by syllable, no transliteration boost applies, so "sang" / "song" do not align."""
    assert token_sim("sang", "song") > 0.8  # as Latin spellings, a transliteration variant
    assert syllable_sim("sang", "song") < 0.6
    assert _score("kim sang hun", "kim song hun", syllabic=True) < 0.7
    # A near spelling of one syllable still aligns, at a discount.
    assert 0.6 <= syllable_sim("kyong", "kyung") < 0.8
