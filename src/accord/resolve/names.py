"""Name forms and the name comparator used by resolution.

This is a deliberately small comparator: ICU transliteration to ASCII, particle and legal-form
removal, then the best of three rapidfuzz measures over every pair of names. The screening
engine (``accord.screening``) is building the full cross-script matcher; when it exposes a
name-similarity function, ``name_similarity`` is the one place to plug it in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import icu
import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist
from rigour.names import remove_org_types
from rigour.text.phonetics import metaphone

# Arabic particles and articles: "Bin-Al-Tahar" and "Ben Taher" must compare on "tahar/taher".
PERSON_PARTICLES = frozenset(
    {"al", "el", "bin", "ben", "ibn", "bint", "binti", "ul", "ud", "ad", "ar", "as", "ash", "ould"}
)
# Legal forms rigour leaves in place, and filler words: "CHONMYONG SHIPPING CO" must equal
# "CHON MYONG SHIPPING COMPANY LIMITED".
ORG_NOISE = frozenset(
    {
        "company", "co", "corporation", "corp", "limited", "ltd", "llc", "inc", "plc",
        "jsc", "ojsc", "pjsc", "cjsc", "ooo", "oao", "zao", "pao", "ao", "llp", "gmbh",
        "the", "and", "of",
    }
)  # fmt: skip
# A person's name contained in the other's: good enough for name + full birth date, not more.
SUBSET_SCORE = 0.93
_APOSTROPHES = re.compile(r"[’'‘ʼ`´ʻ]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@cache
def _to_latin() -> icu.Transliterator:
    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@lru_cache(maxsize=200_000)
def ascii_lower(text: str) -> str:
    """Any script to lower-case ASCII words; apostrophes vanish ("Hyo’k" → "hyok")."""
    latin = text if text.isascii() else str(_to_latin().transliterate(text))
    latin = _APOSTROPHES.sub("", latin.lower())
    return " ".join(_NON_WORD.sub(" ", latin).split())


@lru_cache(maxsize=200_000)
def name_tokens(text: str, family: str) -> tuple[str, ...]:
    """The comparable words of one name of a record of ``family``."""
    plain = ascii_lower(text)
    if family == "person":
        return tuple(t for t in plain.split() if t not in PERSON_PARTICLES) or tuple(plain.split())
    if family == "organization":
        stripped = remove_org_types(plain)
        words = [t for t in stripped.split() if t not in ORG_NOISE]
        return tuple(words) or tuple(plain.split())
    return tuple(plain.split())


@dataclass(frozen=True)
class NameForms:
    """The names of one record, prepared once for every comparison it takes part in."""

    family: str
    spaced: tuple[str, ...]
    """Each name as its words joined by spaces."""
    joined: tuple[str, ...]
    """Each name without spaces, so "CHONMYONG" meets "CHON MYONG"."""

    @classmethod
    def build(cls, names: list[str], family: str) -> NameForms:
        token_lists = sorted({name_tokens(n, family) for n in names} - {()})
        return cls(
            family=family,
            spaced=tuple(" ".join(t) for t in token_lists),
            joined=tuple("".join(t) for t in token_lists),
        )

    def __bool__(self) -> bool:
        return bool(self.spaced)


def name_similarity(a: NameForms, b: NameForms) -> tuple[float, str, str]:
    """Best similarity (0–1) over every pair of names of two records, with the pair.

    Token-sort ratio covers reordered names (Korean "CHU HYO'K" / "Hyo'k CHU"); the ratio of the
    joined forms covers compounds written split or joined. For people, a name whose words (two
    or more) all appear in the other counts as ``SUBSET_SCORE``: lists drop patronymics and
    middle names ("Mikhail POTEPKIN" / "Mikhail Sergeyevich POTEPKIN"), but a subset is never
    as good as the whole name. Plug point for the screening engine's comparator: it should
    return the same triple.
    """
    if not a or not b:
        return 0.0, "", ""
    matrices = [
        cdist(a.spaced, b.spaced, scorer=fuzz.token_sort_ratio),
        cdist(a.joined, b.joined, scorer=fuzz.ratio),
    ]
    if a.family == "person":
        subset = cdist(a.spaced, b.spaced, scorer=fuzz.token_set_ratio, score_cutoff=100)
        short = np.array(
            [[min(x.count(" "), y.count(" ")) >= 1 for y in b.spaced] for x in a.spaced]
        )
        matrices.append(np.where(short & (subset >= 100), SUBSET_SCORE * 100, 0))
    best_matrix = max(matrices, key=lambda m: float(m.max()))
    i, j = divmod(int(best_matrix.argmax()), best_matrix.shape[1])
    return float(best_matrix.max()) / 100.0, a.spaced[i], b.spaced[j]


def phonetic_tokens(forms: NameForms, min_length: int = 3) -> set[str]:
    """Metaphone codes of the name words, for blocking: "Mohammed"/"Muhammad" share MHMT."""
    out: set[str] = set()
    for name in forms.spaced:
        for token in name.split():
            if len(token) >= min_length and not token.isdigit():
                code = metaphone(token)
                if code:
                    out.add(code)
    return out
