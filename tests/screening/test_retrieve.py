"""Token expansion: the vectorised and batched look-ups give exactly what the plain definition
gives (every listed token of the same skeleton or a close spelling, scored by
``names.retrieval_sim``, refined for Latin spellings of one name as ``names.token_sim`` does)."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from accord.screening import Query, Screener
from accord.screening.index import FLAG_CONSONANTAL
from accord.screening.names import (
    MIN_TOKEN_SIM,
    REFINE_MIN,
    SIDE_LISTED,
    SIDE_QUERY,
    retrieval_sim,
    spelling_sim,
    syllable_sim,
    token_sim,
)
from accord.screening.normalize import NameForm, skeleton
from accord.screening.retrieve import FUZZY_CUTOFF, FUZZY_LIMIT, Retriever, _bucket
from tests.screening.conftest import listed

TOKENS = [
    "gaddafi", "qadhafi", "mohamed", "smith", "jon", "kim", "usama", "ivanov", "ivanova",
    "aleksandr", "kimjong", "jongun", "mhmd", "qdhfy", "xq", "ab", "s7", "zzzzzzzzzz",
    "petrovichsidorov", "bin", "el", "abdulrahman",
]  # fmt: skip


def _reference(r: Retriever, token: str, consonantal: bool) -> dict[int, float]:
    """The expansion as first written: one process.extract per bucket, retrieval_sim per token."""
    sims: dict[int, float] = {}
    exact = r.tok_id.get(token)
    if exact is not None:
        sims[exact] = 1.0
    if len(token) < 2 or any(c.isdigit() for c in token):
        return sims
    out: list[int] = []
    skel = skeleton(token)
    if not consonantal:
        ids = r.skel_tokens.get(skel)
        if ids is not None and len(skel) >= 2:
            out.extend(ids[:200].tolist())
        span = int(len(token) * (1 - FUZZY_CUTOFF)) + 1
        for length in range(max(3, len(token) - span), len(token) + span + 1):
            words, word_ids = r.buckets.get((_bucket(token), length), ([], []))
            for _, _, pos in process.extract(
                token, words, scorer=Levenshtein.normalized_similarity,
                score_cutoff=FUZZY_CUTOFF, limit=FUZZY_LIMIT,
            ):  # fmt: skip
                out.append(word_ids[pos])
    elif skel:
        for s, _, _ in process.extract(
            skel, r.skel_buckets.get(skel[0], []), scorer=Levenshtein.normalized_similarity,
            score_cutoff=0.65, limit=FUZZY_LIMIT,
        ):  # fmt: skip
            out.extend(r.skel_tokens[s][:200].tolist())
    for tid in out:
        if tid not in sims and consonantal:
            # Reached by the skeleton, then scored as the comparison scores it, against the
            # listed word in each kind of name it is in: a Latin name, or a romanized Arabic or
            # Hebrew one (the long vowels the script writes must fit).
            if retrieval_sim(token, r.index.vocab[tid], True) < MIN_TOKEN_SIM:
                continue
            sim = max(
                token_sim(token, r.index.vocab[tid], True, SIDE_QUERY | (SIDE_LISTED * script))
                for script in _written_in(r, tid)
            )
            if sim >= MIN_TOKEN_SIM:
                sims[tid] = sim
        elif tid not in sims:
            cons = bool(r.consonantal_tok[tid])
            sim = retrieval_sim(token, r.index.vocab[tid], cons)
            if not cons and sim >= REFINE_MIN["latin"]:  # as names.token_sim refines it
                sim = max(sim, spelling_sim(token, r.index.vocab[tid]))
            if sim >= MIN_TOKEN_SIM:
                sims[tid] = sim
    return sims


def _written_in(r: Retriever, tid: int) -> set[bool]:
    """Whether the listed forms ``tid`` is posted for are romanized script (or Latin)."""
    ptr, post = r.index.arrays["post_ptr"], r.index.arrays["post_forms"]
    flags = r.index.arrays["form_flags"][post[ptr[tid] : ptr[tid + 1]]]
    return {bool(f & FLAG_CONSONANTAL) for f in flags.tolist()}


def _as_sims(
    r: Retriever, token: str, consonantal: bool, joined: bool = False
) -> tuple[list[int], list[float]]:
    exp = r.expand(token, consonantal, joined)
    return exp.forms.tolist(), exp.sims.tolist()


def _reference_postings(
    r: Retriever, sims: dict[int, float]
) -> tuple[list[int], list[float], list[float]]:
    """Each reached form once, where its last (best) listed token leaves it, in that order."""
    ranked = sorted(sims.items(), key=lambda kv: kv[1])
    ptr, post = r.index.arrays["post_ptr"], r.index.arrays["post_forms"]
    last: dict[int, tuple[int, float, float]] = {}
    position = 0
    for t, s in ranked:
        for f in post[ptr[t] : ptr[t + 1]].tolist():
            last[f] = (position, float(np.float32(s)), float(r.listed_weight[t]))
            position += 1
    kept = sorted(last.items(), key=lambda kv: kv[1][0])
    return [f for f, _ in kept], [s for _, (_, s, _) in kept], [w for _, (_, _, w) in kept]


def test_expansion_matches_reference(real_screener: Screener) -> None:
    r = Retriever(real_screener.index)
    for consonantal in (False, True):
        for token in TOKENS:
            want = _reference_postings(r, _reference(r, token, consonantal))
            got = r.expand(token, consonantal)
            assert got.forms.tolist() == want[0], (token, consonantal)
            assert got.sims.tolist() == want[1], (token, consonantal)
            assert got.listed_weights.tolist() == want[2], (token, consonantal)


@pytest.mark.parametrize("token", ["kim", "jong", "un", "song", "hyon", "i", "u", "chol", "sang"])
def test_a_syllable_reaches_what_the_syllable_comparison_matches(
    real_screener: Screener, token: str
) -> None:
    """A syllable of romanized Korean or Chinese is compared by plain edit similarity,
    squared ("sang" / "song" are other syllables, where Latin spellings would be boosted):
    its expansion holds the listed words whose squared similarity reaches MIN_TOKEN_SIM, with
    the plain similarity (the coverage kernel squares it), and one letter reaches only itself."""
    r = Retriever(real_screener.index)
    latin = _reference(r, token, False)
    want = {
        tid: math.sqrt(syllable_sim(token, r.index.vocab[tid]))
        for tid in latin
        if syllable_sim(token, r.index.vocab[tid]) >= MIN_TOKEN_SIM
    }
    got = r.expand(token, False, syllabic=True)
    forms, sims, _ = _reference_postings(r, want)
    assert got.forms.tolist() == forms
    assert got.sims.tolist() == pytest.approx(sims, abs=1e-6)
    assert got.weight == r.expand(token, False).weight  # the same words weigh the same
    if len(token) == 1:
        assert set(want) <= {r.tok_id.get(token)}
    if token == "sang":  # as Latin spellings, one name; as syllables, two
        assert r.tok_id["song"] in latin
        assert r.tok_id["song"] not in want


def test_prefetch_matches_one_by_one(real_screener: Screener) -> None:
    one, batched = Retriever(real_screener.index), Retriever(real_screener.index)
    forms = [
        NameForm(t, (t, u), "latin", c, frozenset())
        for t, u in itertools.pairwise(TOKENS)
        for c in (False, True)
    ]
    batched.prefetch(forms)
    batched.prefetch(forms[:3])  # all cached: nothing to do
    for form in forms:
        for token in form.tokens:
            assert _as_sims(batched, token, form.consonantal) == _as_sims(
                one, token, form.consonantal
            )
        pair = "".join(form.tokens)
        assert _as_sims(batched, pair, form.consonantal, True) == _as_sims(
            one, pair, form.consonantal, True
        )


def test_prefetch_with_a_full_cache_still_batches(
    real_screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch arriving when the cache is full is still expanded in one batched pass (it used
    to fall back to one look-up per token), and keeps its own keys cached."""
    monkeypatch.setattr("accord.screening.retrieve.CACHE_SIZE", 8)
    r, one = Retriever(real_screener.index), Retriever(real_screener.index)
    old = [NameForm(t, (t,), "latin", False, frozenset()) for t in TOKENS[:8]]
    r.prefetch(old)
    calls: list[int] = []
    original = r._expand_many
    monkeypatch.setattr(r, "_expand_many", lambda keys: calls.append(len(keys)) or original(keys))
    new = [NameForm("x", ("ivanova", "smith"), "latin", False, frozenset())]
    r.prefetch(new)
    # "smith" was cached already (and is kept); "ivanova" and the joined pair, in one call.
    assert calls == [2]
    for token, joined in (("ivanova", False), ("smith", False), ("ivanovasmith", True)):
        assert (token, False, joined, False) in r._cache
        assert _as_sims(r, token, False, joined) == _as_sims(one, token, False, joined)


def test_joined_words_reach_the_same_spelling_or_skeleton_only(real_screener: Screener) -> None:
    """Two query words written as one stand for listed words spelt the same or with the same
    consonants ("kimjongun" / "KIMJONGUN", "qadhafi" / "gaddafi"), not for fuzzy neighbours."""
    r = Retriever(real_screener.index)
    for token in ("kimjong", "qadhafi", "jongun", "aleksandr"):
        want = {
            t: s
            for t, s in _reference(r, token, False).items()
            if real_screener.index.vocab[t] == token
            or skeleton(real_screener.index.vocab[t]) == skeleton(token)
        }
        got = r.expand(token, False, joined=True)
        assert got.forms.tolist() == _reference_postings(r, want)[0], token
        assert r.expand(token, False).forms.size >= got.forms.size


def _coverage_of(s: Screener, form: NameForm, listed_tokens: tuple[str, ...]) -> float:
    """The retrieval bound ``form`` gets on the listed forms written ``listed_tokens``."""
    got = s.retriever._coverage_one(form)
    assert got is not None
    reached, cov = got
    values = [
        float(c)
        for f, c in zip(reached.tolist(), cov.tolist(), strict=True)
        if tuple(s.index.form_tokens(f)) == listed_tokens
    ]
    assert values, listed_tokens
    return max(values)


def test_a_word_counts_once_in_the_bound(real_screener: Screener) -> None:
    """A query "Choe Sang" reaches the listed "CHOESONG" (posted joined for "Choe Song Il") as
    well as "choe" and "song" word by word: counting both made the bound 1.0 for a name that
    leaves "Ho" and "Il" unmatched, and such candidates crowded the ones worth scoring."""
    latin = NameForm("Choe Sang Ho", ("choe", "sang", "ho"), "latin", False, frozenset())
    assert _coverage_of(real_screener, latin, ("choe", "song", "il")) < 0.85
    # Syllable by syllable, unmatched syllables cost their full weight (as in compare_tokens).
    korean = NameForm("최상호", ("choe", "sang", "ho"), "korean-rr", False, frozenset())
    assert _coverage_of(real_screener, korean, ("choe", "song", "il")) < 0.6


def test_the_bound_frees_articles_as_the_comparison_does() -> None:
    """An Arabic-script query drops the article ("الاسد" is "asd"), and an unmatched Latin
    "al" costs it nothing in the detailed comparison: the bound must not charge it either
    (here the words agree, so the bound is tight)."""
    from accord.screening.engine import _Namer

    s = Screener.build([listed("ofac_sdn", "A1", "Person", name="Mahr AL-ASD")])
    form = s._query_forms(Query.of("ماهر الاسد"))[0]
    assert form.consonantal and form.tokens == ("mahr", "asd")
    got = s.retriever._coverage_one(form)
    assert got is not None
    (f_idx,) = [f for f in got[0].tolist() if s.index.form_tokens(f) == ["mahr", "al", "asd"]]
    evidence = _Namer(s, [form]).best([f_idx])
    assert evidence is not None
    assert ("", "al") in [(p.query, p.listed) for p in evidence.match.pairs]
    assert _coverage_of(s, form, ("mahr", "al", "asd")) >= evidence.match.score


@pytest.mark.parametrize(
    "name",
    ["Choe Sang Ho", "김정은", "Muammar Gaddafi", "Kim Jong Un", "Chonmyong Kim",
     "Abd al Rahman Yasin", "عبد الرحمن ياسين", "Sergei Ivanov", "Viktor Bout", "Rosneft Oil"],
)  # fmt: skip
def test_bound_is_above_the_name_score(real_screener: Screener, name: str) -> None:
    """Retrieval drops forms whose bound is below what the threshold needs: where the name
    score could matter (0.6 or more) and every pair the detailed comparison aligned is one
    retrieval reaches (fuzzy look-ups stay within an initial letter), the bound must not fall
    below the score by more than the engine's margin."""
    from accord.screening.engine import BOUND_SLACK, _Namer
    from accord.screening.query import Query

    s = real_screener
    checked = 0
    for form in s._query_forms(Query.of(name)):
        got = s.retriever._coverage_one(form)
        assert got is not None
        reach = {
            t: set(s.retriever.expand(t, form.consonantal).forms.tolist())
            for t in (*form.tokens, *map("".join, itertools.pairwise(form.tokens)))
        }
        for f_idx, cov in zip(got[0].tolist(), got[1].tolist(), strict=True):
            evidence = _Namer(s, [form]).best([f_idx])
            assert evidence is not None
            pairs = [p for p in evidence.match.pairs if p.query and p.listed]
            if any(" " in p.listed for p in pairs):
                # Two listed words matched as one: where the joined word is also listed on
                # its own ("CHONMYONG"), retrieval weighs it as one word, not two.
                continue
            reachable = all(
                f_idx in reach.get(p.query.replace(" ", ""), ())
                or any(f_idx in reach[j] for j in reach if p.query in j and j != p.query)
                for p in pairs
            )
            if evidence.score >= 0.6 and reachable:
                assert evidence.score <= cov + BOUND_SLACK, (name, s.index.form_tokens(f_idx), cov)
                checked += 1
    assert checked


def test_a_listed_word_pair_weighs_its_two_words() -> None:
    """A listed pair posted joined ("chonmyong" for "Chon Myong Ok") stands, in the bound, for
    the weight of its two words, as the comparison counts them: not for 2, which let common
    pairs lift the bound of names the comparison then rejected."""
    from accord.screening.engine import _Namer

    s = Screener.build(
        [
            listed("un", "A", "Person", name="Chon Myong Ok"),
            listed("un", "B", "Person", name="Kim Myong Chol"),
            listed("un", "C", "Person", name="Ri Myong Su"),
        ]
    )
    ix = s.index
    tid = {t: i for i, t in enumerate(ix.vocab)}
    w, pair = ix.arrays["tok_weight"], tid["chonmyong"]
    assert not ix.arrays["tok_real"][pair]
    assert ix.arrays["tok_pair_weight"][pair] == pytest.approx(w[tid["chon"]] + w[tid["myong"]])
    assert ix.arrays["tok_pair_weight"][pair] < 2.0  # "myong" is common here
    assert s.retriever.listed_weight[pair] == -ix.arrays["tok_pair_weight"][pair]
    # "Chonmyong Pak": the pair matched, "Ok" and "Pak" not (0.58; the bound was 0.84).
    form = s._query_forms(Query.of("Chonmyong Pak"))[0]
    got = s.retriever._coverage_one(form)
    assert got is not None
    (f_idx,) = [f for f in got[0].tolist() if s.index.form_tokens(f) == ["chon", "myong", "ok"]]
    evidence = _Namer(s, [form]).best([f_idx])
    assert evidence is not None
    bound = _coverage_of(s, form, ("chon", "myong", "ok"))
    assert evidence.match.score <= bound < evidence.match.score + 0.15


def test_the_index_carries_the_spelling_keys_of_its_words(
    small_screener: Screener, tmp_path: Path
) -> None:
    """Retrieval compares listed words' spelling keys made when the index is built (each
    process made them again: about a tenth of a cold batch's word expansions)."""
    from accord.screening.names import SPELLING_MIN_LEN, spelling_key

    path = tmp_path / "index.bin"
    small_screener.save(path)
    loaded = Screener.load(path).index
    assert loaded.spelling == small_screener.index.spelling
    long_words = 0
    for word, key in zip(loaded.vocab, loaded.spelling, strict=True):
        if len(word) >= SPELLING_MIN_LEN and word.isalpha():
            assert key == spelling_key(word)
            long_words += 1
        else:
            assert key == ""
    assert long_words > 10


def test_a_vowel_less_query_reaches_what_its_names_compared_whole_match(
    real_screener: Screener,
) -> None:
    """ "محمد مسعود اظہر علوی" (Masood Azhar) scores 0.73 against the Latin listings, through the
    names compared whole; word by word, with the long vowels fitted, its bound is 0.71, and the
    engine's margin for vowel-less queries must still let these listings through."""
    hits = real_screener.screen(Query.of("محمد مسعود اظہر علوی"), limit=20)
    found = {h.entity_id for h in hits}
    assert {"ofac-sdn-11459", "eu-120040", "un-6908769"} <= found
    # Word by word the bound is the comparison's (it was 0.81 by the skeletons alone).
    form = real_screener._query_forms(Query.of("محمد مسعود اظہر علوی"))[0]
    assert form.consonantal
    assert _coverage_of(real_screener, form, ("mohammed", "masood", "azhar", "alvi")) < 0.75


def test_syllables_compared_whole_still_reach_their_listing(real_screener: Screener) -> None:
    """ "阿不都·哈克" reads "a bu dou ha ke"; compared whole it is "Abudu Hake" (0.76). Word
    by word no syllable meets "abudu": the bound must leave room for the names compared
    whole (a one-letter syllable counts as an initial would)."""
    found = {h.entity_id for h in real_screener.screen(Query.of("阿不都·哈克"), limit=20)}
    assert {"eu-554", "un-2854925"} <= found
