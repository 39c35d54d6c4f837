"""List parsers, one module per official format, registered by format id."""

from __future__ import annotations

import importlib
from pathlib import Path

from accord.errors import NotFoundError
from accord.lists.parsers.base import ListContext, Parser, ParseResult
from accord.lists.registry import ListSource

# format id -> "module:function"; modules are imported when a format is first used.
PARSERS: dict[str, str] = {
    "ofac_xml": "ofac:parse_xml",
    "ofac_csv": "ofac:parse_csv",
    "un_xml": "un:parse",
    "eu_fsf_xml": "eu:parse",
    "uk_conlist": "uk:parse",
    "au_dfat_xlsx": "au:parse",
    "ca_sema_xml": "ca:parse",
    "ftm_jsonl": "ftm:parse",
}


def get_parser(file_format: str) -> Parser:
    try:
        module_name, func = PARSERS[file_format].split(":")
    except KeyError:
        raise NotFoundError(f"no parser for format {file_format!r}") from None
    module = importlib.import_module(f"accord.lists.parsers.{module_name}")
    parser: Parser = getattr(module, func)
    return parser


def parse_file(source: ListSource, path: Path, file_format: str | None = None) -> ParseResult:
    """Parse one file of ``source``; the format defaults to the list's first format."""
    fmt = file_format or guess_format(source, path)
    if fmt not in source.formats:
        raise NotFoundError(
            f"list {source.id} has no format {fmt!r}; its formats: {', '.join(source.formats)}"
        )
    ctx = ListContext(source, path, fmt)
    get_parser(fmt)(path, ctx)
    return ctx.result()


def guess_format(source: ListSource, path: Path) -> str:
    """Pick the list's format from the file name when a list has several (OFAC XML or CSV)."""
    if len(source.formats) == 1:
        return source.formats[0]
    name = path.name.lower().removesuffix(".gz")
    for fmt in source.formats:
        if name.endswith("." + fmt.rsplit("_", 1)[-1]):
            return fmt
    return source.formats[0]
