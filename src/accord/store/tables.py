"""Every table of the operational store, for Alembic: the core models plus each domain's tables."""

from accord.store.models import Base

__all__ = ["Base"]
