"""The screening index: every name form of every listed entity, as arrays, in one file.

Layout: tokens (a vocabulary with a weight per token: rare tokens identify, common ones do
not), name forms (which entity, which name, how romanized, which tokens), and postings from
each token to the forms that contain it. Adjacent token pairs are also posted joined
("chon myong" under "chonmyong") so a query that writes a name as one word still finds it;
such a pair weighs the two words' weights together (the most it does in any form).

The file is a small JSON header, the raw arrays, and a JSON block of entity facts. Loading maps
the file and wraps the arrays without copying them, so a saved index opens in well under 2 s.
The header records the list versions it was built from, so a stale index is detected.
"""

from __future__ import annotations

import math
import mmap
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import orjson

from accord.errors import InvalidInputError
from accord.screening.identifiers import PROPERTY_KINDS, normalize_identifier
from accord.screening.names import SPELLING_MIN_LEN, spelling_key
from accord.screening.normalize import PARTICLES, Kind, NameForm, analyze, skeleton
from accord.screening.scripts import METHOD_WORDS

if TYPE_CHECKING:  # importing followthemoney costs ~1 s; loading an index needs none of it
    from accord.lists.model import ListedEntity

#: Changes with the layout, and with the analysis of listed names (the forms the index holds):
#: a stored index of another format is rebuilt (``service._load_or_build``).
FORMAT = "accord-screen-index-4"
MAGIC = b"ACCSCRN1"
METHODS = tuple(METHOD_WORDS)
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
COUNTRY_PROPS = (
    "nationality", "citizenship", "country", "birthCountry", "jurisdiction", "mainCountry", "flag",
)  # fmt: skip
KIND_CODES: dict[str, int] = {"person": 0, "org": 1, "vessel": 2, "any": 3}
PARTICLE_WEIGHT = 0.15
FLAG_CONSONANTAL = 1
FLAG_WEAK = 2
# A form from a vowel-less script of an entity that also has names with vowels: a Latin
# query is compared with those instead (comparing it by consonants alone invites
# false matches: "Theresa Mason" / "Mazen al-Tarazi").
FLAG_SHADOWED = 4
MAX_TOKENS = 12

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]


def schema_kind(schema: str) -> Kind:
    if schema == "Person":
        return "person"
    if schema in ("Vessel", "Airplane", "Vehicle"):
        return "vessel"
    if schema in ("Organization", "Company", "PublicBody"):
        return "org"
    return "any"


@dataclass(slots=True)
class EntityRecord:
    """What screening needs to know about one listed entity (never shown with its id)."""

    id: str
    schema: str
    caption: str
    names: list[str]
    name_props: list[str]
    list_id: str
    version_id: int
    published_at: str | None
    record_id: str
    programs: list[str] = field(default_factory=list)
    listing_dates: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str, bool]] = field(default_factory=list)

    @classmethod
    def from_listed(cls, listed: ListedEntity) -> EntityRecord:
        proxy = listed.entity
        names: list[str] = []
        props: list[str] = []
        for prop in NAME_PROPS:
            if proxy.schema.get(prop) is None:
                continue
            for value in proxy.get(prop):
                if value not in names:
                    names.append(value)
                    props.append(prop)
        countries = sorted({c for p in COUNTRY_PROPS if proxy.schema.get(p) for c in proxy.get(p)})
        idents: list[tuple[str, str, bool]] = []
        for prop, kind in PROPERTY_KINDS.items():
            if proxy.schema.get(prop) is None:
                continue
            for raw in proxy.get(prop):
                ident = normalize_identifier(kind, raw)
                if ident is not None and (ident.kind, ident.value, ident.checked) not in idents:
                    idents.append((ident.kind, ident.value, ident.checked))
        prov = listed.provenance
        return cls(
            id=str(proxy.id),
            schema=proxy.schema.name,
            caption=proxy.caption,
            names=names,
            name_props=props,
            list_id=prov.list_id,
            version_id=prov.version_id,
            published_at=prov.published_at.isoformat() if prov.published_at else None,
            record_id=prov.record_id,
            programs=listed.programs,
            listing_dates=listed.listing_dates,
            birth_dates=sorted(set(proxy.get("birthDate")))
            if proxy.schema.get("birthDate")
            else [],
            countries=countries,
            genders=sorted(set(proxy.get("gender"))) if proxy.schema.get("gender") else [],
            identifiers=idents,
        )


@dataclass
class ScreeningIndex:
    """The arrays and entity facts; built once per set of list versions."""

    entities: list[EntityRecord]
    versions: dict[str, int]
    vocab: list[str]
    skeletons: list[str]
    legal_sets: list[list[str]]
    arrays: dict[str, npt.NDArray[Any]]
    # Per vocabulary word, names.spelling_key of it ("" where spelling_sim never looks: words
    # shorter than SPELLING_MIN_LEN or with digits): made once here, not in every process.
    spelling: list[str]

    @property
    def form_count(self) -> int:
        return int(self.arrays["form_entity"].shape[0])

    def form_tokens(self, form: int) -> list[str]:
        ptr = self.arrays["form_tok_ptr"]
        ids = self.arrays["form_toks"][ptr[form] : ptr[form + 1]]
        return [self.vocab[i] for i in ids.tolist()]

    # -- build ---------------------------------------------------------------------------------
    @classmethod
    def build(cls, listed: Iterable[ListedEntity]) -> ScreeningIndex:
        entities = [EntityRecord.from_listed(item) for item in listed]
        versions: dict[str, int] = {}
        for ent in entities:
            versions[ent.list_id] = ent.version_id
        builder = _Builder()
        for e_idx, ent in enumerate(entities):
            kind = schema_kind(ent.schema)
            seen: set[tuple[str, ...]] = set()
            forms: list[tuple[int, NameForm, bool]] = []
            for n_idx, (name, prop) in enumerate(zip(ent.names, ent.name_props, strict=True)):
                for form in analyze(name, kind):
                    if form.tokens not in seen:
                        seen.add(form.tokens)
                        forms.append((n_idx, form, prop == "weakAlias"))
            voweled = any(not f.consonantal for _, f, _ in forms)
            for n_idx, form, weak in forms:
                builder.add(e_idx, n_idx, form, weak, shadowed=voweled and form.consonantal)
        return builder.finish(entities, versions)

    # -- persistence ---------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        meta = orjson.dumps(
            {
                "entities": [asdict(e) for e in self.entities],
                "vocab": self.vocab,
                "skeletons": self.skeletons,
                "legal_sets": self.legal_sets,
                "spelling": self.spelling,
            }
        )
        specs: dict[str, Any] = {}
        offset = 0
        for name, arr in self.arrays.items():
            offset = _align(offset)
            specs[name] = [arr.dtype.str, list(arr.shape), offset]
            offset += arr.nbytes
        meta_offset = _align(offset)
        header = orjson.dumps(
            {
                "format": FORMAT,
                "versions": self.versions,
                "arrays": specs,
                "meta": [meta_offset, len(meta)],
            }
        )
        base = _align(len(MAGIC) + 8 + len(header))
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as fh:
            fh.write(MAGIC + len(header).to_bytes(8, "little") + header)
            for name, arr in self.arrays.items():
                fh.seek(base + specs[name][2])
                fh.write(np.ascontiguousarray(arr).tobytes())
            fh.seek(base + meta_offset)
            fh.write(meta)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, expect_versions: dict[str, int] | None = None) -> ScreeningIndex:
        with path.open("rb") as fh:
            buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        if buf[: len(MAGIC)] != MAGIC:
            raise InvalidInputError(f"{path}: not a screening index file")
        size = int.from_bytes(buf[len(MAGIC) : len(MAGIC) + 8], "little")
        header = orjson.loads(buf[len(MAGIC) + 8 : len(MAGIC) + 8 + size])
        if header.get("format") != FORMAT:
            raise InvalidInputError(f"{path}: index format {header.get('format')!r}, need {FORMAT}")
        versions = {str(k): int(v) for k, v in header["versions"].items()}
        if expect_versions is not None and versions != expect_versions:
            raise StaleIndexError(path, versions, expect_versions)
        base = _align(len(MAGIC) + 8 + size)
        arrays: dict[str, npt.NDArray[Any]] = {}
        for name, (dtype, shape, offset) in header["arrays"].items():
            count = math.prod(shape)
            arrays[name] = np.frombuffer(
                buf, dtype=np.dtype(dtype), count=count, offset=base + offset
            ).reshape(shape)
        m_off, m_len = header["meta"]
        meta = orjson.loads(buf[base + m_off : base + m_off + m_len])
        entities = [
            EntityRecord(**{**e, "identifiers": [tuple(i) for i in e["identifiers"]]})
            for e in meta["entities"]
        ]
        return cls(
            entities, versions, meta["vocab"], meta["skeletons"], meta["legal_sets"], arrays,
            meta["spelling"],
        )  # fmt: skip


class StaleIndexError(InvalidInputError):
    """The index was built from other list versions than the ones now served."""

    def __init__(self, path: Path, found: dict[str, int], expected: dict[str, int]) -> None:
        self.found = found
        self.expected = expected
        super().__init__(f"{path}: index built from list versions {found}, expected {expected}")


def _align(offset: int) -> int:
    return (offset + 63) // 64 * 64


class _Builder:
    """Accumulates forms and token postings in Python lists, then packs them into arrays."""

    def __init__(self) -> None:
        self.tok_ids: dict[str, int] = {}
        self.tok_entities: list[set[int]] = []
        self.tok_consonantal: list[bool] = []
        self.tok_real: list[bool] = []  # False: only seen as two listed words joined
        self.pairs: list[tuple[int, int, int]] = []  # (joined token, first word, second word)
        self.postings: list[list[int]] = []
        self.form_entity: list[int] = []
        self.form_name: list[int] = []
        self.form_flags: list[int] = []
        self.form_method: list[int] = []
        self.form_legal: list[int] = []
        self.form_toks: list[int] = []
        self.form_ptr: list[int] = [0]
        self.legal_ids: dict[tuple[str, ...], int] = {(): 0}

    def token(self, tok: str, entity: int, consonantal: bool, joined: bool = False) -> int:
        idx = self.tok_ids.get(tok)
        if idx is None:
            idx = self.tok_ids[tok] = len(self.tok_entities)
            self.tok_entities.append(set())
            self.tok_consonantal.append(False)
            self.tok_real.append(False)
            self.postings.append([])
        self.tok_entities[idx].add(entity)
        self.tok_consonantal[idx] |= consonantal
        self.tok_real[idx] |= not joined
        return idx

    def add(self, entity: int, name: int, form: NameForm, weak: bool, shadowed: bool) -> None:
        f_idx = len(self.form_entity)
        tokens = form.tokens[:MAX_TOKENS]
        ids = [self.token(t, entity, form.consonantal) for t in tokens]
        for i, tok_id in enumerate(ids):
            if not self.postings[tok_id] or self.postings[tok_id][-1] != f_idx:
                self.postings[tok_id].append(f_idx)
            if i + 1 < len(tokens):
                joined = self.token(tokens[i] + tokens[i + 1], entity, form.consonantal, True)
                self.pairs.append((joined, tok_id, ids[i + 1]))
                if not self.postings[joined] or self.postings[joined][-1] != f_idx:
                    self.postings[joined].append(f_idx)
        legal = tuple(sorted(form.legal_forms))
        self.form_legal.append(self.legal_ids.setdefault(legal, len(self.legal_ids)))
        self.form_entity.append(entity)
        self.form_name.append(name)
        flags = (
            int(form.consonantal) | (FLAG_WEAK if weak else 0) | (FLAG_SHADOWED if shadowed else 0)
        )
        self.form_flags.append(flags)
        self.form_method.append(METHODS.index(form.method))
        self.form_toks.extend(ids)
        self.form_ptr.append(len(self.form_toks))

    def finish(self, entities: list[EntityRecord], versions: dict[str, int]) -> ScreeningIndex:
        vocab = list(self.tok_ids)
        n = max(len(entities), 1)
        # Inverse document frequency over entities, scaled so a token found in 20 or fewer
        # entities has full weight and the most common ones ("mohammed", "company") ~0.2.
        df = np.array([len(s) for s in self.tok_entities], dtype=np.float64)
        ref = math.log((n + 1) / 21) if n > 40 else 1.0
        weights = np.clip(np.log((n + 1) / (df + 1)) / ref, 0.2, 1.0).astype(np.float32)
        for i, tok in enumerate(vocab):
            if tok in PARTICLES:
                weights[i] = PARTICLE_WEIGHT
        pairs = np.array(self.pairs, dtype=np.int64).reshape(-1, 3)
        pair_weight = np.zeros(len(vocab), dtype=np.float32)
        np.maximum.at(pair_weight, pairs[:, 0], weights[pairs[:, 1]] + weights[pairs[:, 2]])
        skel_ids: dict[str, int] = {}
        tok_skel = np.array(
            [skel_ids.setdefault(skeleton(t), len(skel_ids)) for t in vocab], dtype=np.int32
        )
        post_ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        post_ptr[1:] = np.cumsum([len(p) for p in self.postings])
        post_forms = np.fromiter(
            (f for p in self.postings for f in p), dtype=np.int32, count=int(post_ptr[-1])
        )
        kinds = np.array([KIND_CODES[schema_kind(e.schema)] for e in entities], dtype=np.uint8)
        lists = sorted(versions)
        ent_list = np.array([lists.index(e.list_id) for e in entities], dtype=np.uint8)
        arrays: dict[str, npt.NDArray[Any]] = {
            "tok_weight": weights,
            "tok_skel": tok_skel,
            "tok_consonantal": np.array(self.tok_consonantal, dtype=np.bool_),
            "tok_real": np.array(self.tok_real, dtype=np.bool_),
            "tok_pair_weight": pair_weight,
            "post_ptr": post_ptr,
            "post_forms": post_forms,
            "form_entity": np.array(self.form_entity, dtype=np.int32),
            "form_name": np.array(self.form_name, dtype=np.int32),
            "form_flags": np.array(self.form_flags, dtype=np.uint8),
            "form_method": np.array(self.form_method, dtype=np.uint8),
            "form_legal": np.array(self.form_legal, dtype=np.int32),
            "form_tok_ptr": np.array(self.form_ptr, dtype=np.int64),
            "form_toks": np.array(self.form_toks, dtype=np.int32),
            "ent_kind": kinds,
            "ent_list": ent_list,
        }
        legal_sets = [list(k) for k in sorted(self.legal_ids, key=self.legal_ids.__getitem__)]
        spelling = [
            spelling_key(t) if len(t) >= SPELLING_MIN_LEN and t.isalpha() else "" for t in vocab
        ]
        return ScreeningIndex(
            entities, versions, vocab, list(skel_ids), legal_sets, arrays, spelling
        )
