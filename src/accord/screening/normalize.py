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
# The Arabic article as Latin spellings write it apart ("al-Assad", "as-Sayed", "el Ghabra"); a
# romanization of the Arabic script keeps it glued to its word and drops it (see ``_tokens``).
ARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "at", "az"})
_ABD_FORMS = frozenset({"abdul", "abdel", "abdal", "abdoul", "abdol", "abdu", "abdou", "abdur"})
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
    if kind in ("person", "any"):
        # "Abdul Rahman", "Abdel Rahman", "Abd al-Rahman": the article glued to "Abd" is the
        # article the other spellings write apart (and the particle rule then drops).
        tokens = ["abd" if t in _ABD_FORMS else t for t in tokens]
    if consonantal and kind in ("person", "any"):
        # Persian and Urdu write "Abd al-" joined to the name ("عبدالغفار", "abdalghfar"):
        # "abd" and the name, as Latin spellings write them ("Abdul Ghafar"). Not Abdallah.
        tokens = [p for t in tokens for p in _split_abd(t)]
    if consonantal:
        # The Arabic article is written joined to the word: "alqdhafy" is "al" + "qdhafy".
        tokens = [t[2:] if t.startswith("al") and len(t) > 4 else t for t in tokens]
    if len(tokens) > 1 and all(len(t) == 1 and t.isalpha() for t in tokens):
        # Spelled-out initials are one word: "A B C Company" → "abc company".
        tokens = ["".join(tokens)]
    else:
        tokens = _join_initial_runs(tokens, kind)
    return tuple(tokens), legal


def _split_abd(token: str) -> list[str]:
    rest = token[5:]
    if token.startswith("abdal") and len(rest) >= 2 and rest not in ("lh", "llh"):
        return ["abd", rest]
    return [token]


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
    forms: list[NameForm] = []
    seen: set[tuple[str, ...]] = set()
    for part in (text, *_parts(text, kind)):
        stripped = _strip_titles(part.lower(), kind) or part.lower()
        for rom in romanize(stripped):
            forms.extend(_form(text, rom, kind, seen, whole=part is text))
    return tuple(forms)


_BRACKETED = re.compile(r"\(([^()]*)\)")
# A remark on the person's birth written into the name field ("Safia Farkash Mohammed
# Al-Hadad, born 1 Jan. 1953 (Oman passport no. …)", "Mohammad Ishaq Akhund born in 1963"):
# its words and numbers are no part of the name.
_BIRTH_REMARK = re.compile(r"[,\s]+born\b.*", re.IGNORECASE | re.DOTALL)


def _parts(text: str, kind: Kind) -> list[str]:
    """Names within a name: lists write several in one field ("CAGL ; GLBC"), an acronym or
    remark in brackets ("BUTEMBO AIRLINES (BAL)", "… ben Soltane (formerly listed as)"), a
    remark on a person's birth after the name. Each part is compared on its own; bracketed
    text counts only for organizations, and only when it is an acronym or several words (not
    "(GROUP)" or a legal form)."""
    pieces = [p.strip() for p in text.split(";")] if ";" in text else [text]
    out: list[str] = []
    for piece in pieces:
        if kind != "org":
            piece = _BIRTH_REMARK.sub("", piece) or piece
        outside = _SPACES.sub(" ", _BRACKETED.sub(" ", piece)).strip()
        if outside and outside != text:
            out.append(outside)
        if kind != "person":
            out.extend(m.strip() for m in _BRACKETED.findall(piece) if _bracketed_name(m))
    return out


_ACRONYM = re.compile(r"[A-Z0-9][A-Z0-9&.\-]{1,9}")
_GENERIC = frozenset({"group", "holding", "holdings", "international", "bank", "trading"})


def _bracketed_name(text: str) -> bool:
    text = text.strip()
    if len(text.split()) > 1:
        return True
    return bool(_ACRONYM.fullmatch(text)) and text.lower() not in _GENERIC


def _form(
    original: str, rom: Romanization, kind: Kind, seen: set[tuple[str, ...]], whole: bool = True
) -> list[NameForm]:
    tokens, legal = _tokens(rom.text, kind, rom.consonantal)
    if not tokens and legal and whole:
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
    ("th", "t"), ("sh", "s"), ("zh", "j"), ("ph", "f"), ("ck", "k"), ("dj", "j"), ("ch", "c"),
)  # fmt: skip
# No "ts" → "s": in romanized Arabic "ts" is two letters (ت + ص in "mtsdq", Motassadeq), and
# Latin spellings of Cyrillic ц ("Tsarev" / "Tzarev") keep the same skeleton without it.
# Consonant classes that transliterations of the same sound swap (Qadhafi / Gaddafi / Kadafi).
_CLASSES = str.maketrans("qcgdzvpx", "kkktsfbk")
_SOFT_C = re.compile("c(?=[eiy])")
_SKELETON_DROP = str.maketrans("", "", "aeiouyw")
_DOUBLED = re.compile(r"(.)\1+", re.DOTALL)


@lru_cache(maxsize=500_000)
def phonetic(token: str) -> str:
    """A token with the spellings of one sound merged and its vowels kept: a soft "c" is "s"
    (Lounici / Lounissi), digraphs are one letter, and letters that transliteration systems
    swap for one sound share a class ("q", "c", "g" → "k")."""
    token = _SOFT_C.sub("s", token)
    for old, new in _DIGRAPHS:
        token = token.replace(old, new)
    return token.translate(_CLASSES)


@lru_cache(maxsize=500_000)
def skeleton(token: str) -> str:
    """Consonant skeleton of a token: what survives of a name across transliterations.

    Vowels are dropped (Arabic and Hebrew do not write short vowels), letters that different
    systems use for one sound are merged, doubled letters collapse and a final "h" goes:
    "qadhafi", "gaddafi" and Arabic "qdhafy" all give "ktf".
    """
    if not token.isalpha() and any(ch.isdigit() for ch in token):
        return token
    out = _DOUBLED.sub(r"\1", phonetic(token).translate(_SKELETON_DROP))
    return out[:-1] if len(out) > 1 and out[-1] == "h" else out
