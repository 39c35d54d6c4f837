"""The kinds of data ``accord ingest KIND`` accepts, declared as data: datasets and formats."""

from __future__ import annotations

from pathlib import Path

from accord.analytics import datasets as ds
from accord.errors import InvalidInputError, NotFoundError
from accord.ingest import (
    ais_csv,
    ais_nmea,
    export_control,
    payments_csv,
    payments_iso,
    payments_mt,
    registry,
    trade,
    trade_flows,
    vessels,
)
from accord.ingest.base import Format, Kind, peek


def _first_line(path: Path) -> str:
    for line in peek(path, 1 << 16).decode("utf-8-sig", errors="replace").splitlines():
        if line.strip() and not line.startswith("#"):
            return line.strip()
    return ""


def _detect_ais(path: Path) -> str:
    return "nmea" if _first_line(path)[:1] in ("!", "\\", "$") else "csv"


def _detect_payments(path: Path) -> str:
    first = _first_line(path)
    if first.startswith("<"):
        return "pacs.008"
    if first.startswith("{1:"):
        return "mt103"
    return "csv"


def _detect_spreadsheet(path: Path) -> str:
    return "xlsx" if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods") else "csv"


def _detect_flows(path: Path) -> str:
    return "comtrade-json" if _first_line(path).startswith("{") else "csv"


def _detect_registry(path: Path) -> str:
    return "ftm" if _first_line(path).startswith("{") else "csv"


def _csv_only(_path: Path) -> str:
    return "csv"


_REGISTRY = (ds.COMPANIES.name, ds.OWNERSHIPS.name, ds.DIRECTORSHIPS.name)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "ais",
            "Vessel movements: AIS NMEA, or decoded positions as CSV.",
            (ds.POSITIONS, ds.AIS_MESSAGES, ds.VESSEL_STATIC),
            (
                Format(
                    "nmea",
                    "NMEA 0183 sentences (tag blocks, receiver metadata, $PGHP)",
                    ais_nmea.read_nmea,
                    records=(ds.AIS_MESSAGES.name,),
                ),
                Format(
                    "csv",
                    "decoded positions: MarineCadastre, Spire, VesselsValue, generic",
                    ais_csv.read_ais_csv,
                ),
            ),
            _detect_ais,
        ),
        Kind(
            "vessels",
            "Vessel registry records (IMO, name, flag, owner, manager).",
            (ds.VESSEL_REGISTRY,),
            (
                Format(
                    "csv",
                    "generic template, GUR list (IMO, Ship Name), Equasis companies",
                    vessels.read_vessels,
                ),
            ),
            _csv_only,
        ),
        Kind(
            "payments",
            "Customer credit transfers: pacs.008, MT103, CSV template.",
            (ds.PAYMENTS,),
            (
                Format(
                    "pacs.008",
                    "ISO 20022 pacs.008.001.08 and later, validated against the XSD",
                    payments_iso.read_pacs008,
                ),
                Format("mt103", "SWIFT FIN MT103", payments_mt.read_mt103),
                Format("csv", "the payments CSV template", payments_csv.read_payments_csv),
            ),
            _detect_payments,
        ),
        Kind(
            "trade",
            "Customs declarations (CSV template or Excel with the same columns).",
            (ds.TRADE_DECLARATIONS,),
            (
                Format("csv", "the declarations CSV template", trade.read_declarations_csv),
                Format(
                    "xlsx",
                    "an Excel sheet with the template's columns",
                    trade.read_declarations_xlsx,
                ),
            ),
            _detect_spreadsheet,
        ),
        Kind(
            "trade-flows",
            "Aggregate trade statistics (Eurostat Comext, national, Comtrade+).",
            (ds.TRADE_FLOWS,),
            (
                Format(
                    "csv",
                    "Comext, national yearly imports, or the generic template",
                    trade_flows.read_flows_csv,
                ),
                Format("comtrade-json", "a UN Comtrade+ API response", trade_flows.read_comtrade),
            ),
            _detect_flows,
        ),
        Kind(
            "licences",
            "Export licences, one row per licensed item.",
            (ds.LICENCES,),
            (Format("csv", "the licences CSV template", export_control.read_licences),),
            _csv_only,
        ),
        Kind(
            "denials",
            "Export licence denials.",
            (ds.DENIALS,),
            (Format("csv", "the denials CSV template", export_control.read_denials),),
            _csv_only,
        ),
        Kind(
            "registry",
            "Companies, ownership and directorships (FtM JSON lines or CSV).",
            (ds.COMPANIES, ds.OWNERSHIPS, ds.DIRECTORSHIPS),
            (
                Format(
                    "ftm",
                    "FollowTheMoney entities, one JSON object per line",
                    registry.read_ftm,
                    records=_REGISTRY,
                ),
                Format(
                    "csv",
                    "companies, ownerships or directorships CSV template",
                    registry.read_registry_csv,
                    records=_REGISTRY,
                ),
            ),
            _detect_registry,
        ),
    )
}


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFoundError(f"unknown kind {name!r} (known: {', '.join(KINDS)})") from None


__all__ = ["KINDS", "InvalidInputError", "get_kind"]
