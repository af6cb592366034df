"""The store: SQLAlchemy models, engine, migrations and the SqlStore repository.

Only this package imports SQLAlchemy; it must not import flask or spyne.
"""

from __future__ import annotations

from ._billing import BillingRecord as BillingRecord
from ._client_setup import ClientAdminInvitationView as ClientAdminInvitationView
from ._firms import FirmRow as FirmRow
from ._firms import InvitationView as InvitationView
from ._health import HealthInput as HealthInput
from ._users import ROLES as ROLES
from ._users import AdminUserView as AdminUserView
from ._users import CompanySetupView as CompanySetupView
from ._users import CompanyStatus as CompanyStatus
from ._users import TimeEntryRow as TimeEntryRow
from .engine import make_engine as make_engine
from .migrate import current_revision as current_revision
from .migrate import head_revision as head_revision
from .migrate import upgrade_schema as upgrade_schema
from .sql_store import SqlStore as SqlStore
from .views import CompanyView as CompanyView
from .views import InstallationView as InstallationView
from .views import SessionView as SessionView
from .views_api import LIST_NAMES as LIST_NAMES
from .views_api import ApiTokenView as ApiTokenView
from .views_api import ClassRecord as ClassRecord
from .views_api import CustomerRecord as CustomerRecord
from .views_api import ListCounts as ListCounts
from .views_api import ListName as ListName
from .views_api import ListRecord as ListRecord
from .views_api import Page as Page
from .views_api import PayrollItemRecord as PayrollItemRecord
from .views_api import ServiceItemRecord as ServiceItemRecord
from .views_api import SessionRecord as SessionRecord
from .views_api import SyncErrorRecord as SyncErrorRecord
from .views_api import TeamMemberRecord as TeamMemberRecord
from .views_api import TreeRecord as TreeRecord
from .views_api import to_json as to_json
from .views_log import ExchangeRecord as ExchangeRecord
from .views_log import LoggedSession as LoggedSession
from .views_log import NewExchange as NewExchange

__all__ = [
    "ROLES",
    "AdminUserView",
    "BillingRecord",
    "CompanySetupView",
    "CompanyStatus",
    "FirmRow",
    "HealthInput",
    "InvitationView",
    "TimeEntryRow",
    "ApiTokenView",
    "ClassRecord",
    "CompanyView",
    "CustomerRecord",
    "ExchangeRecord",
    "InstallationView",
    "LIST_NAMES",
    "ListCounts",
    "ListName",
    "ListRecord",
    "LoggedSession",
    "NewExchange",
    "Page",
    "PayrollItemRecord",
    "ServiceItemRecord",
    "SessionRecord",
    "SessionView",
    "SqlStore",
    "SyncErrorRecord",
    "TeamMemberRecord",
    "TreeRecord",
    "current_revision",
    "head_revision",
    "make_engine",
    "to_json",
    "upgrade_schema",
]
