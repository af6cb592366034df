"""Stand-ins for the two Windows programs the server talks to: QuickBooks and its Web Connector.

FakeQuickBooks answers qbXML from an in-memory company file; FakeWebConnector drives a server's
``/qbwc`` over real HTTP. Used by tests, benchmarks, live replay and ``qbtime demo``. May import
``qbxml`` and an HTTP client; must not import the store or the sync engine (it is the outside
world). See ``docs/simulator.md``.
"""

from __future__ import annotations

from .company import CompanyError as CompanyError
from .company import CompanyFile as CompanyFile
from .quickbooks import FakeQuickBooks as FakeQuickBooks
from .quickbooks import ProcessRequestError as ProcessRequestError
from .sample import generate_company as generate_company
from .sample import generate_company_data as generate_company_data
from .sample import load_sample_company as load_sample_company
from .sample import populate as populate
from .sample import sample_company_data as sample_company_data
from .webconnector import Call as Call
from .webconnector import FakeWebConnector as FakeWebConnector
from .webconnector import Fault as Fault
from .webconnector import SessionTranscript as SessionTranscript
from .webconnector import run_update as run_update

__all__ = [
    "Call",
    "CompanyError",
    "CompanyFile",
    "FakeQuickBooks",
    "FakeWebConnector",
    "Fault",
    "ProcessRequestError",
    "SessionTranscript",
    "generate_company",
    "generate_company_data",
    "load_sample_company",
    "populate",
    "run_update",
    "sample_company_data",
]
