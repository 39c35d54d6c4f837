"""Ports, lanes and sea routes: where vessels can be, along real sea lanes (``searoute``).

``searoute`` ships its maritime network (Eurostat's marnet) inside the package, so routes are
computed offline; each route is computed once per process and cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import yaml

PORTS_FILE = Path(__file__).resolve().parent / "ports.yaml"
EARTH_KM = 6371.0088


@dataclass(frozen=True)
class Port:
    locode: str
    name: str
    country: str
    lon: float
    lat: float
    sanctioned: bool = False


@dataclass(frozen=True)
class Route:
    """A polyline (lon, lat) and the cumulative distance in km at each vertex."""

    lon: np.ndarray
    lat: np.ndarray
    km: np.ndarray

    @property
    def length(self) -> float:
        return float(self.km[-1])


@cache
def _data() -> tuple[dict[str, Port], tuple[tuple[str, str], ...]]:
    raw = yaml.safe_load(PORTS_FILE.read_text(encoding="utf-8"))
    ports = {p["locode"]: Port(**p) for p in raw["ports"]}
    lanes = tuple((a, b) for a, b in raw["lanes"])
    return ports, lanes


def ports() -> dict[str, Port]:
    return _data()[0]


def lanes() -> tuple[tuple[str, str], ...]:
    return _data()[1]


def haversine_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1))))


def _polyline(lon: list[float], lat: list[float]) -> Route:
    lo, la = np.asarray(lon, float), np.asarray(lat, float)
    seg = haversine_km(lo[:-1], la[:-1], lo[1:], la[1:]) if len(lo) > 1 else np.zeros(0)
    return Route(lo, la, np.concatenate([[0.0], np.cumsum(seg)]))


@lru_cache(maxsize=4096)
def route(a: tuple[float, float], b: tuple[float, float]) -> Route:
    """The sea route from ``a`` to ``b`` (lon, lat), from the port itself to the port itself."""
    import searoute  # type: ignore[import-untyped]  # no type hints; imported here: loading its network takes seconds, only when routing

    feature = searoute.searoute(list(a), list(b))
    coords = feature["geometry"]["coordinates"]
    lon = [a[0], *(c[0] for c in coords), b[0]]
    lat = [a[1], *(c[1] for c in coords), b[1]]
    return _polyline(lon, lat)


def port_route(a: str, b: str) -> Route:
    pa, pb = ports()[a], ports()[b]
    return route((pa.lon, pa.lat), (pb.lon, pb.lat))


def offset(lon: float, lat: float, km_east: float, km_north: float) -> tuple[float, float]:
    """A point some km east and north of another (anchorages lie a few km off a port)."""
    dlat = km_north / 111.2
    dlon = km_east / (111.2 * max(math.cos(math.radians(lat)), 0.1))
    return lon + dlon, lat + dlat


def bearing(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Initial great-circle bearing in degrees (0..360), for course over ground."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    x = np.sin(dl) * np.cos(p2)
    y = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.asarray((np.degrees(np.arctan2(x, y)) + 360.0) % 360.0)


def track_bearing(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """``bearing`` from each point of a track to the next (``len - 1`` values), bit for bit.

    Sine and cosine of each latitude are computed once and shared by the two legs the point
    ends and starts: trigonometry is most of the cost of a course over ground.
    """
    p = np.radians(lat)
    sin_p, cos_p = np.sin(p), np.cos(p)
    dl = np.radians(lon[1:] - lon[:-1])
    x = np.sin(dl) * cos_p[1:]
    y = cos_p[:-1] * sin_p[1:] - sin_p[:-1] * cos_p[1:] * np.cos(dl)
    return np.asarray((np.degrees(np.arctan2(x, y)) + 360.0) % 360.0)
