"""The party screener of ingestion: every new party against the serving sanctions lists.

``ListScreener`` turns each party into a screening ``Query`` — its name, country and the
identifiers lists carry (IMO number, BIC, registration number), with a schema from its role (a
vessel is a Vessel, a bank an Organization, any other party a LegalEntity, which may be a person
or an organisation) — and screens a whole batch with ``Screener.screen_many``. The index of the
serving list versions is loaded (or built) on the first batch, so a run with no new party never
touches it.

A party with neither a name nor such an identifier (an account number alone) cannot be
screened; it is counted in ``skipped``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import orjson
from followthemoney import registry

from accord.ingest.parties import NoScreening, Party, PartyScreener, ScreeningHit
from accord.screening.engine import Screener
from accord.screening.explain import Hit
from accord.screening.query import MAX_NAME_LENGTH, InvalidQueryError, Query, Schema
from accord.screening.score import ALGORITHM_VERSION, DEFAULT_THRESHOLD
from accord.screening.service import get_screener, serving_versions
from accord.settings import Settings, get_settings
from accord.store.db import Store

# Standard logging, as the screening service's: the CLI routes it to stderr, so a notice never
# lands in the JSON summary printed on stdout.
log = logging.getLogger(__name__)

#: Roles whose party is always an organisation (a bank); vessels are vessels; the rest may be a
#: person or an organisation.
ORGANIZATION_ROLES = frozenset(
    {
        "debtor_agent",
        "creditor_agent",
        "intermediary_agent1",
        "intermediary_agent2",
        "intermediary_agent3",
    }
)
VESSEL_ROLES = frozenset({"vessel"})
#: Hits kept per party (best first).
HITS_PER_PARTY = 5
NO_LISTS = "no sanctions list is serving (load lists with `accord lists fetch`)"


def party_schema(role: str) -> Schema:
    if role in VESSEL_ROLES:
        return "Vessel"
    if role in ORGANIZATION_ROLES:
        return "Organization"
    return "LegalEntity"


def party_query(party: Party) -> Query | None:
    """The query screening ``party``; None when it has nothing a list could match."""
    identifiers = [
        {"kind": kind, "value": value}
        for kind, value in (
            ("imo", party.imo),
            ("registration", party.bic),
            ("registration", party.registration),
        )
        if value and len(value) <= 64
    ]
    name = (party.name or "").strip()[:MAX_NAME_LENGTH]
    if not name:
        if not identifiers:
            return None
        name = str(identifiers[0]["value"])  # screened by its identifier
    country = registry.country.clean(party.country) if party.country else None
    data = {
        "schema": party_schema(party.role),
        "names": [name],
        "countries": [country] if country else [],
        "identifiers": identifiers,
    }
    try:
        return Query.parse(data)
    except InvalidQueryError:
        # A name of punctuation only, an identifier the query refuses: try the name alone.
        try:
            return Query.parse({"schema": data["schema"], "names": [name]})
        except InvalidQueryError:
            return None


def _hit(party_id: str, hit: Hit) -> ScreeningHit:
    return ScreeningHit(
        party_id=party_id,
        entity_id=hit.entity_id,
        score=round(hit.score, 4),
        explanation=hit.explanation,
        listed_name=hit.name.listed_name if hit.name else hit.caption,
        list_id=hit.listing.list_id,
        list_version=hit.listing.list_version,
        list_versions=orjson.dumps(hit.data_versions, option=orjson.OPT_SORT_KEYS).decode(),
        algorithm=hit.algorithm,
    )


class ListScreener:
    """Screens parties with the screening engine against the serving list versions."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = HITS_PER_PARTY,
        workers: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.threshold = threshold
        self.limit = limit
        self.workers = workers
        #: Parties handed over that had nothing to screen.
        self.skipped = 0
        self.algorithm = ALGORITHM_VERSION
        self._engine: Screener | None = None
        self._versions: str | None = None

    @property
    def list_versions(self) -> str:
        """``{list id: version}`` of the serving lists screened against, as JSON (sorted keys:
        the form ``party_hits.list_versions`` and ``party_screenings`` store)."""
        if self._versions is None:
            with self.store.reader() as session:
                versions = serving_versions(session)
            self._versions = orjson.dumps(versions, option=orjson.OPT_SORT_KEYS).decode()
        return self._versions

    def engine(self) -> Screener:
        if self._engine is None:
            self._engine = get_screener(self.store, self.settings)
        return self._engine

    def screen_parties(self, parties: Sequence[Party]) -> Sequence[ScreeningHit]:
        queries: list[Query] = []
        owners: list[str] = []
        for party in parties:
            query = party_query(party)
            if query is None:
                self.skipped += 1
                continue
            queries.append(query)
            owners.append(party.party_id)
        if not queries:
            return []
        results = self.engine().screen_many(
            queries, self.threshold, self.limit, workers=self.workers
        )
        return [
            _hit(party_id, hit)
            for party_id, hits in zip(owners, results, strict=True)
            for hit in hits
        ]


def list_screener(settings: Settings | None = None, store: Store | None = None) -> PartyScreener:
    """``ListScreener`` when at least one list serves, else ``NoScreening`` (with a notice)."""
    settings = settings or get_settings()
    if store is None:
        settings.ensure_dirs()
        store = Store(settings.sqlalchemy_url)
    with store.reader() as session:
        serving = serving_versions(session)
    if not serving:
        log.info("ingest: new parties will not be screened: %s", NO_LISTS)
        return NoScreening(NO_LISTS)
    return ListScreener(store, settings)
