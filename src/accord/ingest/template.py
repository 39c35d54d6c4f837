"""CSV templates declared as data: columns, types, required or not, documentation, example.

``docs/ingest.md`` documents every template; ``tests/ingest/test_docs.py`` checks the documented
column lists against these declarations, and ingests each ``docs/examples/`` file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from accord.analytics.datasets import MONEY, Dataset
from accord.errors import InvalidInputError
from accord.ingest.base import LINE, Chunk, Deferred, IngestOptions, Progress
from accord.ingest.columns import Converter
from accord.ingest.csvread import CsvBatch, check_columns, csv_batches, read_header

#: A check over the converted batch, run after every column: may call ``cv.fail``.
RowCheck = Callable[[Converter, dict[str, pa.Array]], None]

CONTROL_ENTRY = (
    # EU/Wassenaar dual-use (3A001, 5A002.a.1), military list (ML10.b), US EAR99.
    r"^([0-9][A-E][0-9]{3}(\.[a-z0-9]+)*|ML[0-9]{1,2}(\.[a-z0-9]+)*|EAR99)$"
)


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # text code int float money date timestamp country countries bic imo hs choice pct
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    name: str
    dataset: Dataset
    columns: tuple[Col, ...]
    constants: dict[str, str] = field(default_factory=dict)
    checks: tuple[RowCheck, ...] = ()

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def optional(self) -> list[str]:
        return [c.name for c in self.columns if not c.required]


@lru_cache(maxsize=4)
def _nomenclature(path: Path) -> pa.Table:
    if not path.exists():
        raise InvalidInputError(
            f"HS nomenclature not found at {path} (set --hs-nomenclature or ACCORD_SHARED_DIR)"
        )
    return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
        column_types={"hscode": pa.string(), "level": pa.string()}))  # fmt: skip


def hs6_codes(path: Path) -> pa.Array:
    """The HS 2022 subheadings (level 6) of the nomenclature CSV."""
    table = _nomenclature(path)
    return pc.unique(pc.filter(table["hscode"], pc.equal(table["level"], "6")))


def hs_codes(path: Path) -> pa.Array:
    """Every HS 2022 code: chapters, headings and subheadings."""
    return pc.unique(_nomenclature(path)["hscode"])


def hs_path(options: IngestOptions) -> Path:
    if options.hs_nomenclature is None:  # the pipeline fills it in from the settings
        raise InvalidInputError("no HS nomenclature given")
    return options.hs_nomenclature


def convert_hs(cv: Converter, column: str, options: IngestOptions, *, required: bool) -> pa.Array:
    """HS codes of 6 to 10 digits whose first six are an HS 2022 subheading."""
    raw = cv.text(column, required=required)
    lengths = pc.min_max(pc.binary_length(raw)).as_py()  # None, None when every cell is empty
    plain = lengths["min"] is not None and 6 <= lengths["min"] <= lengths["max"] <= 10
    if plain and pc.all(pc.ascii_is_decimal(raw)).as_py():
        # The common case, every code written as plain digits: no dots or spaces to remove and
        # every shape right, without the two regex passes (most of this column's cost).
        digits = raw
        shape = pc.is_valid(raw)
    else:
        digits = pc.replace_substring_regex(raw, r"[\s.]", "")
        shape = pc.match_substring_regex(digits, r"^\d{6,10}$")
        cv.fail_value(pc.invert(shape), column, raw, "is not an HS code of 6 to 10 digits")
    six = digits if lengths["max"] == 6 else pc.utf8_slice_codeunits(digits, 0, 6)
    known = pc.is_in(six, value_set=hs6_codes(hs_path(options)))
    cv.fail_value(pc.and_(shape, pc.invert(known)), column, raw,
                  "is not in the HS 2022 nomenclature")  # fmt: skip
    return pc.if_else(pc.and_(shape, known), digits, None)


def convert(template: Template, cv: Converter, options: IngestOptions) -> pa.Table:
    """The template's columns converted to the dataset's data columns, plus ``_line``."""
    out: dict[str, pa.Array] = {}
    types = dict(template.dataset.columns)
    for col in template.columns:
        t, name, req = col.type, col.name, col.required
        if t == "text":
            out[name] = cv.text(name, required=req)
        elif t == "code":
            out[name] = cv.text(name, required=req, upper=True)
        elif t in ("int", "float"):
            out[name] = cv.number(name, types[name], required=req)
        elif t == "pct":
            out[name] = cv.number(name, pa.float64(), required=req, lo=0, hi=100)
        elif t == "money":
            out[name] = cv.number(name, MONEY, required=req)
        elif t == "date":
            out[name] = cv.date(name, required=req)
        elif t == "timestamp":
            out[name] = cv.timestamp(name, required=req, zone=options.assume_timezone)
        elif t == "country":
            out[name] = cv.country(name, required=req)
        elif t == "countries":
            out[name] = cv.countries(name)
        elif t == "bic":
            out[name] = cv.bic(name)
        elif t == "imo":
            out[name] = cv.imo(name, required=req)
        elif t == "hs":
            out[name] = convert_hs(cv, name, options, required=req)
        elif t == "choice":
            out[name] = cv.choice(name, col.choices, required=req)
        elif t == "control":
            raw = cv.text(name, required=req)
            good = pc.match_substring_regex(raw, CONTROL_ENTRY)
            cv.fail_value(pc.invert(good), name, raw, "is not a control-list entry (e.g. 3A001)")
            out[name] = raw
        else:  # pragma: no cover - a declaration error, caught by the docs test
            raise ValueError(f"unknown column type {t!r}")
    for check in template.checks:
        check(cv, out)
    columns = {}
    for name, dtype in template.dataset.columns:
        if name in out:
            columns[name] = out[name]
        elif name in template.constants:
            columns[name] = pa.repeat(pa.scalar(template.constants[name]), cv.n)
        else:
            columns[name] = pa.nulls(cv.n, dtype)
    columns[LINE] = cv.lines
    return pa.table(columns)


def read_template(
    template: Template, path: Path, options: IngestOptions, progress: Progress
) -> Iterator[Chunk | Deferred]:
    check_columns(path, read_header(path), template.required, template.optional)
    for part in csv_batches(path, progress):
        # Converting is left to the pipeline's workers: this thread goes on parsing.
        yield partial(_convert_batch, template, part, options)


def _convert_batch(template: Template, part: CsvBatch, options: IngestOptions) -> Chunk:
    cv = Converter(part.batch, part.lines)
    table = convert(template, cv, options)
    return Chunk(
        tables={template.dataset.name: cv.passed(table)}, rejects=part.rejects + cv.rejects()
    )


def require_one_of(*columns: str) -> RowCheck:
    """A check that at least one of ``columns`` has a value."""

    def check(cv: Converter, out: dict[str, pa.Array]) -> None:
        present = pa.repeat(pa.scalar(False), cv.n)
        for c in columns:
            present = pc.or_(present, pc.is_valid(out[c]))
        cv.fail(pc.invert(present), f"one of {', '.join(columns)} is required")

    return check
