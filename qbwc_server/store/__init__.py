"""The store: SQLAlchemy models, engine, migrations and the SqlStore repository.

Only this package imports SQLAlchemy; it must not import flask or spyne.
"""

from __future__ import annotations

from .engine import make_engine as make_engine
from .migrate import current_revision as current_revision
from .migrate import head_revision as head_revision
from .migrate import upgrade_schema as upgrade_schema
from .sql_store import SqlStore as SqlStore
from .views import CompanyView as CompanyView
from .views import InstallationView as InstallationView
from .views import SessionView as SessionView

__all__ = [
    "CompanyView",
    "InstallationView",
    "SessionView",
    "SqlStore",
    "current_revision",
    "head_revision",
    "make_engine",
    "upgrade_schema",
]
