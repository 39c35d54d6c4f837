"""Re-screen stored parties against the serving list versions.

Ingestion screens each party once, when it is first seen, against the lists serving then — or
not at all when none serves. ``rescreen_parties`` screens every stored party that has not been
screened against the *current* serving versions (``party_screenings`` says which were): parties
stored before any list was loaded, and all parties after a list publishes a new version. It
reuses the ingestion hook (``ListScreener``, the ``PartyScreener`` protocol) and the commit's
writers, under the store's lock, and records what it screened, so running it again at the same
list versions screens nothing.

Hits are stored in ``party_hits`` when the party–entity pair is not stored yet (a match already
reported at an earlier version is not repeated); ``party_screenings`` keeps, per party and
screening, the list versions, the time and the number of hits.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from accord.analytics.datasets import PARTIES, PARTY_HITS, PARTY_SCREENINGS
from accord.analytics.manifest import store_lock
from accord.analytics.store import analytics_root
from accord.ingest.commit import SCREEN_BATCH, Committer, _all_files, _parquet, new_run
from accord.ingest.parties import NoScreening, Party, PartyScreener, ScreeningHit
from accord.ingest.screening import list_screener
from accord.settings import Settings, get_settings
from accord.store.db import Store


@dataclass
class RescreenSummary:
    #: ``{list id: version}`` screened against, as JSON ("" when nothing could be screened).
    list_versions: str
    #: Parties stored, parties not yet screened against these versions, and of those the ones
    #: the screener had nothing to screen with.
    parties: int = 0
    stale: int = 0
    skipped: int = 0
    #: New party–entity hits stored in ``party_hits``.
    hits: int = 0
    note: str | None = None

    @property
    def screened(self) -> int:
        return self.stale - self.skipped


def rescreen_parties(
    settings: Settings | None = None,
    store: Store | None = None,
    *,
    screener: PartyScreener | None = None,
    force: bool = False,
) -> RescreenSummary:
    """Screen the stored parties not yet screened against the serving list versions.

    ``screener`` defaults to the ingestion screener over the serving lists; it must say which
    versions it screens against (``list_versions``). ``force`` screens every stored party again.
    With no list serving nothing is screened and ``note`` says why."""
    settings = settings or get_settings()
    screener = screener or list_screener(settings, store)
    if isinstance(screener, NoScreening):
        return RescreenSummary("", note=f"parties not screened: {screener.reason}")
    versions = str(getattr(screener, "list_versions", "") or "")
    if not versions:
        raise ValueError("the screener does not say which list versions it screens against")
    root = analytics_root(settings)
    run_id, workdir, now = new_run(root, "rescreen")
    summary = RescreenSummary(versions)
    try:
        with store_lock(root):
            parties = _all_files(root / PARTIES.name)
            if not parties:
                return summary
            committer = Committer(root, workdir, run_id=run_id, file_ids={0: ""}, now=now,
                                  screener=screener)  # fmt: skip
            committer.con.execute("UPDATE files SET file_id = NULL")  # no input file
            try:
                summary.parties, summary.stale = _stale(committer, versions, force)
                if summary.stale:
                    summary.skipped, summary.hits = _screen(committer, screener)
                committer.publish()
            finally:
                committer.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return summary


def _stale(committer: Committer, versions: str, force: bool) -> tuple[int, int]:
    """Table ``stale``: the parties to screen, in order of first sight; (stored, stale)."""
    con = committer.con
    root = committer.root
    cols = ", ".join(PARTIES.content_columns)
    con.execute(
        f"CREATE OR REPLACE TABLE stale AS SELECT {cols}, 0 AS _file, source_line AS _line, "
        f"ingested_at FROM {_parquet(_all_files(root / PARTIES.name))}"
    )
    stored = int(con.execute("SELECT count(*) FROM stale").fetchall()[0][0])
    done = _all_files(root / PARTY_SCREENINGS.name)
    if done and not force:
        con.execute(
            "DELETE FROM stale WHERE party_id IN (SELECT party_id FROM "
            f"{_parquet(done)} WHERE list_versions = ?)",
            [versions],
        )
    stale = int(con.execute("SELECT count(*) FROM stale").fetchall()[0][0])
    return stored, stale


def _screen(committer: Committer, screener: PartyScreener) -> tuple[int, int]:
    """Screen the stale parties, store new hits and the screenings; (skipped, hits stored)."""
    con = committer.con
    skipped_before = int(getattr(screener, "skipped", 0))
    hits: list[ScreeningHit] = []
    result = con.execute(
        f"SELECT {', '.join(PARTIES.content_columns)} FROM stale ORDER BY ingested_at, party_id"
    )
    while batch := result.fetchmany(SCREEN_BATCH):
        hits.extend(screener.screen_parties([Party(*row) for row in batch]))
    skipped = int(getattr(screener, "skipped", 0)) - skipped_before
    known = _all_files(committer.root / PARTY_HITS.name)
    if known and hits:
        pairs = {
            (str(p), str(e))
            for p, e in con.execute(f"SELECT party_id, entity_id FROM {_parquet(known)}").fetchall()
        }
        new = [h for h in hits if (h.party_id, h.entity_id) not in pairs]
    else:
        new = hits
    stored = committer.store_hits(new)
    committer.store_screenings("SELECT party_id, _file, _line FROM stale", hits)
    return skipped, stored
