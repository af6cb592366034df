"""The sync log (DESIGN section 8): recording every SOAP call, the log file (export, scrub,
reader), and replay offline and live. May import the store, sync and the simulator; the store
and sync must not import it.
"""

from __future__ import annotations

from .logfile import LogExchange as LogExchange
from .logfile import LogFileError as LogFileError
from .logfile import SyncLog as SyncLog
from .logfile import export_session as export_session
from .logfile import read_log as read_log
from .logfile import write_log as write_log
from .recorder import RecordingService as RecordingService
from .replay import ReplayReport as ReplayReport
from .replay import replay_live as replay_live
from .replay import replay_offline as replay_offline
from .scrub import Scrubber as Scrubber

__all__ = [
    "LogExchange",
    "LogFileError",
    "RecordingService",
    "ReplayReport",
    "Scrubber",
    "SyncLog",
    "export_session",
    "read_log",
    "replay_live",
    "replay_offline",
    "write_log",
]
