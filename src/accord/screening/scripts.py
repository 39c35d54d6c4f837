"""Writing systems: detect the script of a name and romanize it, keeping several readings.

ICU transforms do the transliteration. What ICU lacks is written here, each with its reason:
Korean names need both the South Korean (Revised Romanization: "Gim Jeong-eun") and the
McCune–Reischauer style the DPRK and most sanctions lists use ("Kim Jong Un"), and Han characters
need their Korean readings when the name may be Korean (ICU only has Mandarin pinyin); the
Han→Hangul readings come from the libhangul dictionary shipped in the ``pyhanja`` package.
"""

from __future__ import annotations

import importlib.util
import marshal
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import icu
from platformdirs import user_cache_dir

LATIN = "Latin"
COMMON = "Common"


@dataclass(frozen=True)
class Romanization:
    """One Latin reading of a name: ASCII text, how it was made, and whether vowels are missing."""

    text: str
    method: str
    consonantal: bool = False


# Plain words for the explanation of each romanization method.
METHOD_WORDS: dict[str, str] = {
    "latin": "as written",
    "icu": "transliterated to Latin (ICU)",
    "bgn": "transliterated to Latin (BGN/PCGN)",
    "iso": "transliterated to Latin (ISO 9 style)",
    "korean-rr": "romanized from Korean (Revised Romanization)",
    "korean-mr": "romanized from Korean (McCune–Reischauer style)",
    "han-pinyin": "romanized from Chinese characters (pinyin)",
    "han-korean": "read as Korean from Chinese characters (hanja)",
    "consonantal": "transliterated from a script that omits vowels (compared by consonants)",
    "consonantal-persian": "transliterated as Persian, Urdu and Pashto read the Arabic script "
    "(compared by consonants)",
}

# Romanizations made syllable by syllable: each word of the result is one written syllable.
SYLLABIC_METHODS = frozenset({"korean-rr", "korean-mr", "han-pinyin", "han-korean"})

# Scripts written without short vowels: their romanizations are compared by consonant skeleton.
CONSONANTAL_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana"})
# Where tables read from other packages' data files are kept, once read (see _hanja_readings).
HANJA_CACHE_DIR = Path(user_cache_dir("accord", appauthor=False))


@cache
def _transliterator(spec: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(spec)


@lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """The Unicode script name of one character ("Latin", "Cyrillic", "Han", "Common"…)."""
    if ch < "\u0080":
        return LATIN if ch.isalpha() else COMMON
    name: str = icu.Script.getScript(ch).getName()
    if name in ("Inherited", "Unknown"):
        return COMMON
    return name


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters of ``text``, ignoring punctuation, digits and marks."""
    if text.isascii():  # most names: no need to look at each letter
        return {LATIN} if any(ch.isalpha() for ch in text) else set()
    found = {char_script(ch) for ch in text if ch.isalpha()}
    found.discard(COMMON)
    return found


def ascii_fold(text: str) -> str:
    """Latin text with diacritics removed: 'Baššār Ḥāfiẓ' → 'Bassar Hafiz'."""
    if text.isascii():
        return text
    return str(_transliterator("Any-Latin; Latin-ASCII").transliterate(text))


# --- Cyrillic ----------------------------------------------------------------------------------
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
# ISO 9 letters with carons etc. turned into the digraphs Latin renderings of Russian names use,
# before the ASCII fold would drop them to a single letter ("Ž" → "z" loses "zh").
_ISO_DIGRAPHS = str.maketrans(
    {"ž": "zh", "č": "ch", "š": "sh", "ŝ": "shch", "û": "yu", "â": "ya", "ë": "e", "ʺ": "", "ʹ": ""}
)


def _cyrillic(text: str) -> list[Romanization]:
    spec = "Ukrainian-Latin/BGN" if _UKRAINIAN.search(text) else "Russian-Latin/BGN"
    bgn = _transliterator(f"{spec}; Latin-ASCII").transliterate(text)
    iso = _transliterator("Cyrillic-Latin").transliterate(text).lower().translate(_ISO_DIGRAPHS)
    iso = ascii_fold(iso.replace("j", "y"))
    return [Romanization(bgn, "bgn"), Romanization(iso, "iso")]


# --- Arabic and other scripts without short vowels -----------------------------------------------
def _consonantal(text: str) -> list[Romanization]:
    text = text.translate(_URDU_PASHTO)
    # Taa marbuta ends names that Latin writes with a vowel ("Fatima", "Usama"): read it as "a".
    text = text.replace("ة", "a")
    latin = _abjad_latin(text)
    out = [Romanization(latin, "consonantal", consonantal=True)]
    # Persian, Urdu and Pashto read ض and ذ as "z" and ث as "s" ("Reza", "Fazl", "Zabih",
    # "Sanaullah"), and a word's first و as "v" ("Vali"), where the Arabic reading gives "d",
    # "dh", "th" and "w". Names from Iran, Afghanistan and Pakistan are listed in that
    # spelling, so such text gets that reading as well.
    if _PERSIAN_LETTERS.search(text):
        persian = _INITIAL_W.sub("v", _abjad_latin(text.translate(_PERSIAN_READING)))
        if persian != latin:
            out.append(Romanization(persian, "consonantal-persian", consonantal=True))
    return out


def _abjad_latin(text: str) -> str:
    """ICU's Latin letters for ``text``. Ayn has no Latin letter; Latin spellings give it a vowel
    ("Omar", "Abd", "Maaroufi"), so it reads as the long-vowel mark "a", which the vowel-aware
    comparison lets any vowel fit."""
    return ascii_fold(_transliterator("Any-Latin").transliterate(text).replace("ʿ", "a"))


# Letters of Urdu and Pashto that ICU's Any-Latin leaves as they are (so "اظہر", Azhar, became
# "az" and "r"): each as the Arabic letter it is read like (retroflex consonants as the plain
# ones, the Urdu and Pashto forms of heh, yeh, noon and teh marbuta as those letters).
_URDU_PASHTO = str.maketrans(
    {
        "ہ": "ه", "ھ": "ه", "ۀ": "ه", "ۃ": "ة", "ے": "ي", "ۓ": "ي", "ې": "ي", "ۍ": "ي",
        "ٹ": "ت", "ڈ": "د", "ډ": "د", "ڑ": "ر", "ړ": "ر", "ں": "ن", "ڼ": "ن", "ښ": "ش",
        "ځ": "ز", "څ": "س", "ږ": "ژ",
    }
)  # fmt: skip
_PERSIAN_READING = str.maketrans({"ض": "ز", "ذ": "ز", "ث": "س"})
_PERSIAN_LETTERS = re.compile("[ضذث]|(?<![^\\W_])و")
_INITIAL_W = re.compile(r"\bw")


# --- Korean ------------------------------------------------------------------------------------
# Two-syllable Korean family names; any other name's first syllable is the family name.
_DOUBLE_SURNAMES = frozenset({"남궁", "황보", "선우", "제갈", "독고", "사공", "서문", "동방"})

# Spellings of family names that neither romanization system produces (e.g. "Lee", "Park").
# Written by hand: no installed library has this table; only the most frequent names are listed.
_SURNAME_SPELLINGS: dict[str, tuple[str, ...]] = {
    "이": ("lee", "yi", "ri", "rhee"),
    "리": ("ri", "lee", "yi"),
    "박": ("park",),
    "최": ("choi",),
    "정": ("jung", "chung"),
    "노": ("roh", "ro"),
    "로": ("ro", "roh"),
    "유": ("yoo", "ryu"),
    "류": ("ryu", "yu"),
    "윤": ("yoon",),
    "임": ("lim", "rim"),
    "림": ("rim", "lim"),
    "신": ("shin",),
    "오": ("oh",),
    "서": ("suh",),
    "안": ("ahn",),
    "전": ("chun", "jon", "chon"),
    "문": ("moon",),
    "손": ("sohn",),
    "허": ("hur",),
    "주": ("joo", "chu"),
    "현": ("hyun",),
    "양": ("ryang",),
    "량": ("ryang", "yang"),
    "렴": ("ryom", "yom"),
    "염": ("yom", "ryom"),
    "태": ("thae",),
    "김": ("kim",),
}


def _hangul_syllable_rr(syllable: str) -> str:
    """Revised Romanization of one syllable, correcting ICU's letter-by-letter output."""
    latin: str = _transliterator("Hangul-Latin; Latin-ASCII").transliterate(syllable)
    latin = latin.replace("-", "")
    if latin.startswith("l"):
        latin = "r" + latin[1:]  # initial ㄹ is written r (Ri, Ryong), never l
    if latin.endswith("g") and not latin.endswith("ng"):
        latin = latin[:-1] + "k"  # final ㄱ sounds k (Pak, Paek)
    if latin.endswith("b"):
        latin = latin[:-1] + "p"
    if latin.endswith("d") or latin.endswith("s"):
        latin = latin[:-1] + "t"
    return latin


_MR_VOWELS = (("yeo", "yo"), ("eo", "o"), ("eu", "u"))
_MR_INITIALS = {"g": "k", "d": "t", "b": "p"}


def _mr_style(rr: str) -> str:
    """McCune–Reischauer-like spelling (without breves) as the DPRK writes names."""
    for old, new in _MR_VOWELS:
        rr = rr.replace(old, new)
    if rr[:1] in _MR_INITIALS and not rr.startswith("ch"):
        rr = _MR_INITIALS[rr[0]] + rr[1:]
    return rr


def _korean_name(hangul: str) -> list[Romanization]:
    syllables = [s for s in hangul if "\uac00" <= s <= "\ud7a3"]
    if not syllables:
        return []
    cut = 2 if hangul[:2] in _DOUBLE_SURNAMES else 1
    rr = [_hangul_syllable_rr(s) for s in syllables]
    mr = [_mr_style(s) for s in rr]
    family = "".join(syllables[:cut])

    def text(parts: list[str], family_spelling: str | None = None) -> str:
        head = family_spelling or "".join(parts[:cut])
        return " ".join([head, *parts[cut:]])

    forms = [Romanization(text(rr), "korean-rr"), Romanization(text(mr), "korean-mr")]
    if len(syllables) <= 4:
        for spelling in _SURNAME_SPELLINGS.get(family, ())[:3]:
            forms.append(Romanization(text(mr, spelling), "korean-mr"))
    return forms


# --- Han ---------------------------------------------------------------------------------------
@cache
def _hanja_readings() -> dict[str, tuple[str, ...]]:
    """Korean readings (in Hangul) of each Han character, most common first."""
    # Only pyhanja's data file is used; locating it this way does not run the package's
    # __init__ (which loads its C++ dictionary and warns about a deprecated API).
    spec = importlib.util.find_spec("pyhanja")
    if spec is None or not spec.submodule_search_locations:
        return {}
    source = Path(next(iter(spec.submodule_search_locations))) / "data" / "hanja.txt"
    # Reading the 300,000-line file takes some 0.15 s in every process that meets a Han name
    # (each batch worker among them); the table it gives is kept in the user's cache directory,
    # named after the file's size and time, and read back in a few milliseconds.
    stat = source.stat()
    cached = HANJA_CACHE_DIR / f"hanja-readings-{stat.st_size}-{stat.st_mtime_ns}.marshal"
    try:
        table = marshal.loads(cached.read_bytes())
        if isinstance(table, dict):
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not there yet, or unreadable: read the source
    table = _read_hanja(source)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(table))
        partial.replace(cached)  # whole or not at all, for processes reading it meanwhile
    except OSError:
        pass  # a read-only home: read the source each time
    return table


def _read_hanja(path: Path) -> dict[str, tuple[str, ...]]:
    readings: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            parts = line.split(":", 2)
            if len(parts) >= 2 and len(parts[1]) == 1 and len(parts[0]) == 1:
                readings.setdefault(parts[1], []).append(parts[0])
    return {k: tuple(v) for k, v in readings.items()}


def _han(text: str) -> list[Romanization]:
    # "Han-Latin/Names" reads the first character with the surname reading where they differ.
    pinyin = _transliterator("Han-Latin/Names; Latin-ASCII").transliterate(text)
    forms = [Romanization(pinyin, "han-pinyin")]
    han_chars = [ch for ch in text if char_script(ch) == "Han"]
    # Korean personal names are two to four characters; a longer Han string is a company name.
    if 2 <= len(han_chars) <= 4:
        table = _hanja_readings()
        if all(ch in table for ch in han_chars):
            head = table[han_chars[0]]
            rest = "".join(table[ch][0] for ch in han_chars[1:])
            for reading in head[:2]:
                for form in _korean_name(reading + rest):
                    forms.append(Romanization(form.text, "han-korean"))
    return forms


_KANA = frozenset({"Hiragana", "Katakana"})


def romanize(text: str) -> list[Romanization]:
    """Every Latin reading of ``text`` worth comparing, most standard first (never empty)."""
    scripts = scripts_of(text)
    if scripts <= {LATIN}:
        return [Romanization(ascii_fold(text), "latin")]
    if len(scripts - {LATIN}) == 1:
        (script,) = scripts - {LATIN}
        if script == "Cyrillic":
            return _cyrillic(text)
        if script in CONSONANTAL_SCRIPTS:
            return _consonantal(text)
        if script == "Hangul":
            return _korean_name(unicodedata.normalize("NFC", text)) or _icu(text)
        if script == "Han":
            return _han(text)
    if "Han" in scripts and not scripts & _KANA:
        return _han(text)
    return _icu(text)


def _icu(text: str) -> list[Romanization]:
    consonantal = bool(scripts_of(text) & CONSONANTAL_SCRIPTS)
    latin = ascii_fold(_transliterator("Any-Latin").transliterate(text))
    return [Romanization(latin, "consonantal" if consonantal else "icu", consonantal)]
