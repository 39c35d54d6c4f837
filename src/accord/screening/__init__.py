"""Screening: fast, explainable, cross-script name matching against the harmonized lists."""

from accord.screening.engine import Screener
from accord.screening.explain import Hit
from accord.screening.query import Identifier, InvalidQueryError, Query
from accord.screening.score import ALGORITHM_VERSION, DEFAULT_THRESHOLD

__all__ = [
    "ALGORITHM_VERSION",
    "DEFAULT_THRESHOLD",
    "Hit",
    "Identifier",
    "InvalidQueryError",
    "Query",
    "Screener",
]
