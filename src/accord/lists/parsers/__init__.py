"""List parsers, one module per official format, registered by format id."""

from __future__ import annotations

from pathlib import Path

from accord.errors import NotFoundError
from accord.lists.parsers.base import ListContext, ParseResult, Parser
from accord.lists.registry import ListSource

PARSERS: dict[str, Parser] = {}


def _register() -> None:
    # Imported here so each parser module stays independent of the registry.
    from accord.lists.parsers import au, ca, eu, ftm, ofac, uk, un

    PARSERS.update(
        {
            "ofac_xml": ofac.parse_xml,
            "ofac_csv": ofac.parse_csv,
            "un_xml": un.parse,
            "eu_fsf_xml": eu.parse,
            "uk_conlist": uk.parse,
            "au_dfat_xlsx": au.parse,
            "ca_sema_xml": ca.parse,
            "ftm_jsonl": ftm.parse,
        }
    )


def parse_file(source: ListSource, path: Path, file_format: str | None = None) -> ParseResult:
    """Parse one file of ``source``; the format defaults to the list's first format."""
    if not PARSERS:
        _register()
    fmt = file_format or guess_format(source, path)
    if fmt not in source.formats:
        raise NotFoundError(
            f"list {source.id} has no format {fmt!r}; its formats: {', '.join(source.formats)}"
        )
    ctx = ListContext(source, path, fmt)
    PARSERS[fmt](path, ctx)
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
