"""docs/ingest.md documents every template as the code declares it; every example ingests."""

from __future__ import annotations

import re

import pytest

from accord.ingest import ais_csv, trade_flows
from accord.ingest.export_control import DENIALS_TEMPLATE, LICENCES_TEMPLATE
from accord.ingest.kinds import KINDS
from accord.ingest.payments_csv import PAYMENTS_TEMPLATE
from accord.ingest.registry import REGISTRY_TEMPLATES
from accord.ingest.trade import DECLARATIONS_TEMPLATE
from accord.ingest.vessels import VESSELS_TEMPLATE
from accord.settings import PROJECT_ROOT
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest

DOC = PROJECT_ROOT / "docs" / "ingest.md"
EXAMPLES = PROJECT_ROOT / "docs" / "examples"
TEMPLATES = (PAYMENTS_TEMPLATE, DECLARATIONS_TEMPLATE, LICENCES_TEMPLATE, DENIALS_TEMPLATE,
             *REGISTRY_TEMPLATES, VESSELS_TEMPLATE)  # fmt: skip
#: template → (required, optional) columns as declared in code
DECLARED = {t.name: (t.required, t.optional) for t in TEMPLATES} | {
    "ais": (list(ais_csv.GENERIC_REQUIRED), list(ais_csv.GENERIC_OPTIONAL)),
    "trade-flows": (list(trade_flows.GENERIC_REQUIRED), list(trade_flows.GENERIC_OPTIONAL)),
}
#: template → the kind that reads its example
KIND_OF = {"companies": "registry", "ownerships": "registry", "directorships": "registry"}


def documented() -> dict[str, tuple[list[str], list[str]]]:
    out = {}
    sections = re.split(r"^### Template `([^`]+)`$", DOC.read_text(encoding="utf-8"), flags=re.M)
    for name, body in zip(sections[1::2], sections[2::2], strict=True):
        rows = re.findall(r"^\| `([a-z0-9_]+)` \|[^|]*\| (yes|) \|", body, flags=re.M)
        out[name] = ([c for c, r in rows if r], [c for c, r in rows if not r])
    return out


def test_every_template_documented_as_declared() -> None:
    assert documented() == DECLARED


def test_every_kind_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert all(f"| `{kind}` |" in text for kind in KINDS)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_example_matches_template(name: str, run: Ingest) -> None:
    require_shared("hs_codes/hs2022_nomenclature.csv")
    path = EXAMPLES / f"{name}.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    required, optional = DECLARED[name]
    assert header == required + optional or sorted(header) == sorted(required + optional)
    summary = run(KIND_OF.get(name, name), path).files[0]
    assert summary.status == "ingested" and summary.rejected == 0 and summary.accepted > 0
