"""Distance from shore, from the 1 km GLOBE land mask that the ``global-land-mask`` wheel ships.

The mask (30 arc-second cells) is reduced to 0.05° blocks (land if any 1 km cell of the block is
land, so small islands count as shore), the coastline is the set of land blocks with a sea
neighbour, and every 0.1° grid cell gets the great-circle distance from its centre to the nearest
coastline block (0 for a centre on land). The result is a *table* ``(cell_lat, cell_lon,
shore_nm)``: indicator expressions join positions to it on ``floor(lat*10), floor(lon*10)``, so
the geography is data the analytical backend joins like any other table (DuckDB or Spark alike)
instead of a Python function called per row. Cells farther than ``CAP_NM`` from shore are left
out; a missing cell means "at least ``CAP_NM``".

Accuracy: a position can sit up to half a cell diagonal (≈ 4 nm at the equator, less elsewhere)
from its cell centre, plus the 0.05° coastline quantisation (≈ 3 km); the thresholds that use it
are 20 and 50 nm, so the error is reported in the docs rather than hidden. Building takes some
seconds and ~1 GB of memory once; the table is cached as Parquet in the user cache folder.
"""

from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray
from platformdirs import user_cache_dir

#: Grid cell of the shore table, in degrees (cells are ``floor(lat / CELL_DEG)``).
CELL_DEG = 0.1
CELLS_PER_DEG = 10
#: Distances beyond this are not stored (the thresholds in the catalogue are 20 and 50 nm).
CAP_NM = 150.0
EARTH_RADIUS_M = 6_371_008.8
NM_M = 1852.0
_BLOCK = 6  # 1 km mask cells (1/120°) per 0.05° coastline block
_VERSION = "globe-1km-v1"
MASK_FILE = "globe_combined_mask_compressed.npz"


def cache_dir() -> Path:
    return Path(user_cache_dir("accord", appauthor=False)) / "geo"


def _mask() -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    # Read the wheel's data file directly: the package's own module loads it at import time and
    # carries no type information, and only the array is needed.
    ref = importlib.resources.files("global_land_mask") / MASK_FILE
    with importlib.resources.as_file(ref) as path, np.load(path) as npz:
        return npz["mask"], npz["lat"], npz["lon"]


def _unit_vectors(lat: NDArray[Any], lon: NDArray[Any]) -> NDArray[np.float64]:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def build_shore_table() -> pa.Table:
    """Compute the 0.1° shore-distance table from the land mask (slow: use ``shore_table``)."""
    from scipy.spatial import cKDTree  # type: ignore[import-untyped]  # scipy ships no stubs

    ocean, lat, lon = _mask()  # the shipped mask is True on the ocean
    rows, cols = ocean.shape[0] // _BLOCK, ocean.shape[1] // _BLOCK
    land: NDArray[np.bool_] = np.logical_not(
        ocean.reshape(rows, _BLOCK, cols, _BLOCK).all(axis=(1, 3))
    )
    del ocean
    sea: NDArray[np.bool_] = ~land
    # A land block touching sea (4-neighbourhood; longitude wraps around) is coastline.
    touches: NDArray[np.bool_] = np.zeros_like(land)
    touches[1:, :] |= sea[:-1, :]
    touches[:-1, :] |= sea[1:, :]
    touches |= np.roll(sea, 1, axis=1) | np.roll(sea, -1, axis=1)
    coast_r, coast_c = np.nonzero(land & touches)
    step = 1.0 / 20  # 0.05°
    top, left = float(lat[0]), float(lon[0])
    coast = _unit_vectors(top - (coast_r + 0.5) * step, left + (coast_c + 0.5) * step)
    tree = cKDTree(coast)

    # 0.1° cells: index i covers latitudes [i/10, (i+1)/10), j longitudes [j/10, (j+1)/10).
    ci = np.arange(-90 * CELLS_PER_DEG, 90 * CELLS_PER_DEG)
    cj = np.arange(-180 * CELLS_PER_DEG, 180 * CELLS_PER_DEG)
    grid_i, grid_j = np.meshgrid(ci, cj, indexing="ij")
    clat = (grid_i.ravel() + 0.5) * CELL_DEG
    clon = (grid_j.ravel() + 0.5) * CELL_DEG
    # Is the cell centre on land? Look it up in the 0.05° block grid.
    br = np.clip(((top - clat) / step).astype(np.int64), 0, rows - 1)
    bc = np.clip(((clon - left) / step).astype(np.int64), 0, cols - 1)
    on_land: NDArray[np.bool_] = land[br, bc]
    cap_chord = 2 * np.sin(CAP_NM * NM_M / EARTH_RADIUS_M / 2)
    dist, _ = tree.query(
        _unit_vectors(clat[~on_land], clon[~on_land]), distance_upper_bound=cap_chord, workers=2
    )
    shore_nm = np.zeros(clat.shape[0])
    arc = 2 * np.arcsin(np.minimum(dist, 2.0) / 2) * EARTH_RADIUS_M / NM_M
    shore_nm[~on_land] = np.where(np.isfinite(dist), arc, np.inf)
    keep = shore_nm < CAP_NM
    return pa.table(
        {
            "cell_lat": pa.array(grid_i.ravel()[keep], pa.int32()),
            "cell_lon": pa.array(grid_j.ravel()[keep], pa.int32()),
            "shore_nm": pa.array(shore_nm[keep], pa.float64()),
        }
    )


@lru_cache(maxsize=1)
def shore_table() -> pa.Table:
    """The shore-distance table, built once per machine and cached as Parquet."""
    path = cache_dir() / f"shore-{_VERSION}-{CELL_DEG}-{int(CAP_NM)}.parquet"
    if path.exists():
        return pq.read_table(path)
    table = build_shore_table()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    return table


@lru_cache(maxsize=1)
def _lookup() -> dict[tuple[int, int], float]:
    t = shore_table()
    keys = zip(t["cell_lat"].to_pylist(), t["cell_lon"].to_pylist(), strict=True)
    return dict(zip(keys, t["shore_nm"].to_pylist(), strict=True))


def shore_distance_nm(lat: float, lon: float) -> float:
    """Distance from shore of one point, in nautical miles (``CAP_NM`` when farther)."""
    key = (int(np.floor(lat * CELLS_PER_DEG)), int(np.floor(lon * CELLS_PER_DEG)))
    return _lookup().get(key, CAP_NM)
