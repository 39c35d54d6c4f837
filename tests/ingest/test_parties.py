"""Party ids: the documented scheme, pinned, and the same ids whichever roles a file fills.

The commit looks parties up once per distinct tuple, over the party columns that hold a value
somewhere in the run (a role whose columns are all empty gets no lookup and a NULL id). These
tests check the ids it stores against ``party_id_sql`` evaluated row by row over every column
of the role — the scheme of earlier versions — on real names from the shared data.
"""

from __future__ import annotations

import csv
import hashlib
import random
from pathlib import Path

import pyarrow as pa

from accord.analytics.datasets import PAYMENTS, TRADE_DECLARATIONS, PartyRole
from accord.analytics.store import AnalyticsStore
from accord.ingest.keys import new_connection
from accord.ingest.parties import party_id_sql
from tests.conftest import require_shared
from tests.ingest.conftest import Ingest

SYNTHETIC = [
    "ACME Trading GmbH", "  Société Générale S.A. ", "ÅLAND SHIPPING ÖÜ", "O'Brien & Sons, Ltd.",
    "Ｆｕｌｌｗｉｄｔｈ Co", "ООО «Ромашка»", "北京贸易有限公司", "شركة النفط", "Straße 12-b",
    "e\u0301cole", "école", "ÉCOLE", "--", "...", "a\tb\nc", "İstanbul Ticaret", "ǅemal ǈubić",
    "Ⅻ Roman Numeral", "½ share", "x²", "ﬁne ﬂow", "Øresund", "Œuvre", "ß", "ẞ", "Ⅰ", "١٢٣",
]  # fmt: skip


def _sdn_names(limit: int) -> list[str]:
    path = require_shared("lists/ofac_sdn/sdn.csv")
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        names = [row[1] for row in csv.reader(fh) if len(row) > 1 and row[1].strip()]
    random.Random(3).shuffle(names)
    return names[:limit]


def _ids(role: PartyRole, table: pa.Table) -> list[str | None]:
    con = new_connection()
    con.register("t", table)
    return [r[0] for r in con.execute(f"SELECT {party_id_sql(role)} FROM t").fetchall()]


def test_party_id_is_the_md5_of_the_documented_text() -> None:
    """The scheme of docs/ingest.md, pinned: a change would give every stored party a new id."""
    role = PartyRole(role="debtor", name="n", country="c", account="acc", bic="bic")
    table = pa.table(
        {
            "n": [" Société Générale, S.A. ", "ACME  Trading--GmbH", None, None],
            "c": ["fr", "DE", None, "DE"],
            "acc": ["FR76 3000 6000 0112 3456 7890 189", None, None, None],
            "bic": ["SOGEFRPPXXX", None, "deutdeff", None],
        }
    )
    texts = [
        "societe generale s a\x1fFR\x1fFR7630006000011234567890189\x1fSOGEFRPP\x1f\x1f",
        "acme trading gmbh\x1fDE\x1f\x1f\x1f\x1f",
        "\x1f\x1f\x1fDEUTDEFF\x1f\x1f",
    ]
    expected = [hashlib.md5(t.encode()).hexdigest() for t in texts] + [None]  # a country alone
    assert _ids(role, table) == expected


def _declarations(path: Path, names: list[str]) -> Path:
    """Declarations naming exporters and importers only; the other roles' columns stay empty
    (the notify party's columns are present, all blank)."""
    countries = ["DE", "fr", "", "CN", " ru "]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["declaration_id", "declaration_date", "flow", "hs_code", "exporter_name",
                      "exporter_country", "importer_name", "importer_country",
                      "notify_party_name", "notify_party_country"])  # fmt: skip
        for i, name in enumerate(names):
            other = names[(i * 7) % len(names)] if i % 5 else ""
            out.writerow([f"D{i}", f"2024-{i % 12 + 1:02d}-01", "import", "854231", name,
                          countries[i % 5], other, countries[(i + 2) % 5], "", ""])  # fmt: skip
    return path


def test_stored_party_ids_are_those_of_every_column(
    run: Ingest, store: AnalyticsStore, tmp_path: Path
) -> None:
    names = _sdn_names(3000) + SYNTHETIC * 3
    summary = run("trade", _declarations(tmp_path / "d.csv", names))
    assert summary.files[0].accepted == len(names)
    stored = store.table(TRADE_DECLARATIONS.name).to_pyarrow()
    for role in TRADE_DECLARATIONS.parties:
        expected = _ids(role, stored)
        got = stored.column(role.id_column).to_pylist()
        assert got == expected, role.role
        if role.role not in ("exporter", "importer"):
            assert set(got) == {None}, role.role
    parties = store.table("parties").to_pyarrow()
    ids = stored.column("exporter_party_id").to_pylist()
    ids += stored.column("importer_party_id").to_pylist()
    assert set(parties.column("party_id").to_pylist()) == {i for i in ids if i is not None}


def test_payment_party_ids_are_those_of_every_column(run: Ingest, store: AnalyticsStore) -> None:
    """Payments fill some roles (agents, accounts) and leave others (ultimate parties)."""
    run("payments", require_shared("payments/pacs.008.001.08_sample.xml"), assume_timezone="UTC")
    run("payments", require_shared("payments/mt103_sample.txt"))
    stored = store.table(PAYMENTS.name).to_pyarrow()
    assert stored.num_rows == 2
    for role in PAYMENTS.parties:
        assert stored.column(role.id_column).to_pylist() == _ids(role, stored), role.role
