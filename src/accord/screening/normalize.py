"""From a name as written to comparable forms: romanized, tokenized, with its parts classified.

A name gives one ``NameForm`` per romanization. Tokens are lower-case ASCII. Titles and
honorifics are dropped; legal forms of organizations ("OOO", "GmbH", "Co Ltd") are set aside as
``legal_forms`` (via rigour's org-type table, which maps them across languages to a generic class
such as "llc" or "jsc"); name particles ("al", "bin", "de", "van") stay as low-weight tokens;
numbers are kept so they can be required to match exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rigour.names import (
    extract_org_types,
    remove_obj_prefixes,
    remove_org_types,
    remove_person_prefixes,
)

from accord.screening.scripts import METHOD_WORDS, Romanization, romanize

Kind = Literal["person", "org", "vessel", "any"]

# Name particles: kept, but they carry little identity ("al-Qadhafi" = "Qadhafi").
PARTICLES = frozenset(
    {
        "al", "el", "ul", "ad", "ar", "as", "at", "az", "bin", "ibn", "ben", "bint", "binti",
        "ould", "abu", "abou", "de", "da", "di", "del", "della", "der", "den", "van", "von", "la",
        "le", "du", "dos", "das", "do", "y", "bte", "bn",
    }
)  # fmt: skip
# Religious and honorific titles rigour's person-prefix table does not cover (it has Mr, Dr,
# General, President…); written here because they are frequent on the lists ("Mullah Omar").
TITLES = frozenset(
    {
        "sheikh", "shaikh", "shaykh", "sheik", "haji", "hajji", "haj", "hadji", "mullah", "mulla",
        "maulana", "mawlana", "maulvi", "mawlawi", "moulvi", "qari", "hafiz", "sayyid", "syed",
        "emir", "amir", "imam", "ustad", "ustadh", "commander", "colonel", "brigadier", "major",
        "lieutenant", "captain", "admiral", "marshal",
    }
)  # fmt: skip
# Abbreviations of generic business words seen in list names ("LUKOIL OIL COMP", "SRVCES");
# rigour's table covers legal forms only, not these words, so they are spelled out here.
ORG_WORDS = {
    "comp": "company", "co": "company", "cie": "company", "corp": "corporation",
    "grp": "group", "shpg": "shipping", "shipg": "shipping", "intl": "international",
    "int'l": "international", "srvces": "services", "srvcs": "services", "svcs": "services",
    "servs": "services", "svc": "service", "mfg": "manufacturing", "mfr": "manufacturer",
    "ind": "industries", "inds": "industries", "indus": "industries", "tech": "technology",
    "techn": "technology", "engg": "engineering", "eng": "engineering", "trdg": "trading",
    "mgmt": "management", "assn": "association", "assoc": "association", "dev": "development",
    "natl": "national", "govt": "government", "dept": "department", "univ": "university",
    "inst": "institute", "comm": "communication", "bros": "brothers", "elec": "electric",
    "invt": "investment", "petrochem": "petrochemical", "ent": "enterprise",
}  # fmt: skip

_APOSTROPHES = re.compile("['’‘`´ʹʻʼʽʾʿˈ]")
_SPLIT = re.compile(r"[^a-z0-9]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NameForm:
    """One comparable form of one name."""

    original: str
    tokens: tuple[str, ...]
    method: str
    consonantal: bool
    legal_forms: frozenset[str]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def method_words(self) -> str:
        return METHOD_WORDS.get(self.method, self.method)


def clean_text(text: str) -> str:
    """Unicode NFKC, control characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def has_control_chars(text: str) -> bool:
    return _CONTROL.search(text) is not None


def _strip_titles(text: str, kind: Kind) -> str:
    if kind in ("person", "any"):
        text = remove_person_prefixes(text)
        words = text.split(" ")
        while len(words) > 1 and words[0].strip(".,") in TITLES:
            words.pop(0)
        text = " ".join(words)
    if kind in ("vessel", "any"):
        text = remove_obj_prefixes(text)
    return text


def _tokens(latin: str, kind: Kind, consonantal: bool) -> tuple[tuple[str, ...], frozenset[str]]:
    text = _APOSTROPHES.sub("", latin.lower())
    legal: frozenset[str] = frozenset()
    if kind in ("org", "any"):
        found = extract_org_types(text, generic=True)
        if found:
            legal = frozenset(form for _, form in found)
            text = remove_org_types(text)
    tokens = [t for t in _SPLIT.split(text) if t]
    if kind in ("org", "any", "vessel"):
        tokens = [ORG_WORDS.get(t, t) for t in tokens]
    if consonantal:
        # The Arabic article is written joined to the word: "alqdhafy" is "al" + "qdhafy".
        tokens = [t[2:] if t.startswith("al") and len(t) > 4 else t for t in tokens]
    if len(tokens) > 1 and all(len(t) == 1 and t.isalpha() for t in tokens):
        # Spelled-out initials are one word: "A B C Company" → "abc company".
        tokens = ["".join(tokens)]
    else:
        tokens = _join_initial_runs(tokens, kind)
    return tuple(tokens), legal


def _join_initial_runs(tokens: list[str], kind: Kind) -> list[str]:
    """In organization names, runs of single letters are an acronym ("A-B-C Company")."""
    if kind == "person" or len(tokens) < 3:
        return tokens
    out: list[str] = []
    run: list[str] = []
    for tok in [*tokens, ""]:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if len(run) > 1:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if tok:
            out.append(tok)
    return out


@lru_cache(maxsize=200_000)
def analyze(name: str, kind: Kind = "any") -> tuple[NameForm, ...]:
    """Every comparable form of ``name`` (deduplicated; empty when nothing comparable remains)."""
    text = clean_text(name)
    if not text:
        return ()
    stripped = _strip_titles(text.lower(), kind) or text.lower()
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for rom in romanize(stripped):
        forms.extend(_form(text, rom, kind, seen))
    return tuple(forms)


def _form(
    original: str, rom: Romanization, kind: Kind, seen: set[tuple[str, ...]]
) -> list[NameForm]:
    tokens, legal = _tokens(rom.text, kind, rom.consonantal)
    if not tokens and legal:
        # A name that is only a legal form ("Company Limited") still has to be comparable.
        tokens = tuple(sorted(legal))
        legal = frozenset()
    if not tokens or tokens in seen:
        return []
    seen.add(tokens)
    return [NameForm(original, tokens, rom.method, rom.consonantal, legal)]


# --- phonetic skeleton -------------------------------------------------------------------------
_DIGRAPHS = (
    ("sch", "s"), ("tch", "c"), ("dzh", "j"), ("kh", "k"), ("gh", "g"), ("dh", "d"),
    ("th", "t"), ("sh", "s"), ("zh", "j"), ("ph", "f"), ("ck", "k"), ("dj", "j"), ("ts", "s"),
    ("ch", "c"),
)  # fmt: skip
# Consonant classes that transliterations of the same sound swap (Qadhafi / Gaddafi / Kadafi).
_CLASSES = str.maketrans("qcgdzvpx", "kkktsfbk", "aeiouyw")


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """Consonant skeleton of a token: what survives of a name across transliterations.

    Vowels are dropped (Arabic and Hebrew do not write short vowels), letters that different
    systems use for one sound are merged, doubled letters collapse and a final "h" goes:
    "qadhafi", "gaddafi" and Arabic "qdhafy" all give "ktf".
    """
    if any(ch.isdigit() for ch in token):
        return token
    for old, new in _DIGRAPHS:
        token = token.replace(old, new)
    token = token.translate(_CLASSES)
    out: list[str] = []
    for ch in token:
        if not out or out[-1] != ch:
            out.append(ch)
    if len(out) > 1 and out[-1] == "h":
        out.pop()
    return "".join(out)
