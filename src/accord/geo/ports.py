"""The port gazetteer: UN/LOCODE-keyed ports shipped in the ``searoute`` wheel.

``searoute`` (Apache-2.0, maintained on PyPI) ships ``data/ports.geojson``: 3,962 ports with
their UN/LOCODE, name and position, used by its routing. The country of a port is the first two
letters of its UN/LOCODE (ISO 3166 alpha-2, by UN/LOCODE's construction).

Indicator expressions find "positions within R km of a port" with an equi-join on grid cells:
``port_cells(R)`` lists, for each port, every 0.1° cell that a circle of radius R around it
touches, so the backend joins positions to candidate ports by cell and then keeps the exact
great-circle distance. The longitudinal reach of a cell shrinks with the cosine of the latitude,
which is why the neighbourhood is computed per port here rather than as a fixed 3 x 3 block.
"""

from __future__ import annotations

import importlib.resources
import json
import math
from dataclasses import dataclass
from functools import lru_cache

import pyarrow as pa

from accord.errors import NotFoundError
from accord.geo.shore import CELLS_PER_DEG, EARTH_RADIUS_M

PORTS_FILE = "data/ports.geojson"
SOURCE = "searoute 1.6 data/ports.geojson (UN/LOCODE-keyed ports)"


@dataclass(frozen=True)
class Port:
    locode: str
    name: str
    country: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def all_ports() -> dict[str, Port]:
    """Every port of the gazetteer by UN/LOCODE (the first entry of a repeated code wins)."""
    ref = importlib.resources.files("searoute") / PORTS_FILE
    features = json.loads(ref.read_text(encoding="utf-8"))["features"]
    ports: dict[str, Port] = {}
    for f in features:
        props, (lon, lat) = f["properties"], f["geometry"]["coordinates"]
        code = str(props.get("port") or "").strip().upper()
        if len(code) != 5 or code in ports:
            continue
        ports[code] = Port(code, str(props.get("name") or code), code[:2], float(lat), float(lon))
    return ports


def get_port(locode: str) -> Port:
    try:
        return all_ports()[locode.upper()]
    except KeyError:
        raise NotFoundError(f"unknown port {locode!r} (not in the gazetteer)") from None


def ports_in(countries: set[str]) -> list[Port]:
    return [p for p in all_ports().values() if p.country in countries]


def port_cells(
    radius_km: float, countries: set[str] | None = None, locodes: set[str] | None = None
) -> pa.Table:
    """``(cell_lat, cell_lon, locode, port_name, port_country, port_lat, port_lon)``: one row per
    0.1° cell within ``radius_km`` of a port: of ``countries`` or named in ``locodes`` (either
    may be given), or every port when neither is."""
    wanted_locodes = {c.upper() for c in locodes} if locodes else set()
    cols: dict[str, list[object]] = {
        k: [] for k in ("cell_lat", "cell_lon", "locode", "port_name", "port_country")
    }
    cols["port_lat"], cols["port_lon"] = [], []
    dlat = math.degrees(radius_km * 1000 / EARTH_RADIUS_M)
    for p in all_ports().values():
        if (countries is not None or locodes is not None) and not (
            (countries is not None and p.country in countries) or p.locode in wanted_locodes
        ):
            continue
        dlon = dlat / max(math.cos(math.radians(min(abs(p.lat) + dlat, 89.0))), 1e-6)
        lat_lo = math.floor((p.lat - dlat) * CELLS_PER_DEG)
        lat_hi = math.floor((p.lat + dlat) * CELLS_PER_DEG)
        lon_lo = math.floor((p.lon - dlon) * CELLS_PER_DEG)
        lon_hi = math.floor((p.lon + dlon) * CELLS_PER_DEG)
        for i in range(lat_lo, lat_hi + 1):
            for j in range(lon_lo, lon_hi + 1):
                # Longitude cells wrap at the antimeridian (-1800 .. 1799).
                wrapped = (j + 180 * CELLS_PER_DEG) % (360 * CELLS_PER_DEG) - 180 * CELLS_PER_DEG
                for key, value in (
                    ("cell_lat", i),
                    ("cell_lon", wrapped),
                    ("locode", p.locode),
                    ("port_name", p.name),
                    ("port_country", p.country),
                    ("port_lat", p.lat),
                    ("port_lon", p.lon),
                ):
                    cols[key].append(value)
    return pa.table(
        {
            "cell_lat": pa.array(cols["cell_lat"], pa.int32()),
            "cell_lon": pa.array(cols["cell_lon"], pa.int32()),
            "locode": pa.array(cols["locode"], pa.string()),
            "port_name": pa.array(cols["port_name"], pa.string()),
            "port_country": pa.array(cols["port_country"], pa.string()),
            "port_lat": pa.array(cols["port_lat"], pa.float64()),
            "port_lon": pa.array(cols["port_lon"], pa.float64()),
        }
    )
