"""Every table of the operational store, for Alembic: the core models plus each domain's tables.

Importing a domain's ``tables`` module registers its tables on the shared ``Base``.
"""

import accord.alerts.tables
import accord.indicators.tables
import accord.resolve.tables
import accord.screening.tables
from accord.store.models import Base

__all__ = ["Base", "accord"]
