"""Pure mappings between QuickBooks records and store rows. Imports only ``qbxml``.

Field maps (:mod:`.lists`), reconcile plans (:mod:`.reconcile`), per-company import options
(:mod:`.options`), integration health checks (:mod:`.health`), time entry input (:mod:`.time`) and time export rules (:mod:`.time_export`);
see ``docs/mappings.md`` and ``docs/export.md``.
"""

from __future__ import annotations

from .errors import MappingError as MappingError
from .errors import OptionsError as OptionsError
from .errors import UnknownReferenceError as UnknownReferenceError
from .health import CHECK_CODES as CHECK_CODES
from .health import Check as Check
from .health import HealthEmployee as HealthEmployee
from .health import HealthFacts as HealthFacts
from .health import HealthSession as HealthSession
from .health import check_health as check_health
from .health import check_to_json as check_to_json
from .health import health_summary as health_summary
from .lists import COUNT_KEYS as COUNT_KEYS
from .lists import LIST_KINDS as LIST_KINDS
from .lists import VALUE_KEYS as VALUE_KEYS
from .lists import ListKind as ListKind
from .lists import ListRow as ListRow
from .lists import class_to_row as class_to_row
from .lists import count_key as count_key
from .lists import customer_to_row as customer_to_row
from .lists import employee_to_row as employee_to_row
from .lists import item_service_to_row as item_service_to_row
from .lists import payroll_item_wage_to_row as payroll_item_wage_to_row
from .lists import record_to_row as record_to_row
from .lists import vendor_to_row as vendor_to_row
from .options import FIXED_AFTER_FIRST_SYNC as FIXED_AFTER_FIRST_SYNC
from .options import LEVELS as LEVELS
from .options import OPTION_NAMES as OPTION_NAMES
from .options import ImportOptions as ImportOptions
from .options import Level as Level
from .options import change_options as change_options
from .options import describe_options as describe_options
from .options import options_from_dict as options_from_dict
from .options import options_to_dict as options_to_dict
from .reconcile import ListPlan as ListPlan
from .reconcile import LocalItem as LocalItem
from .reconcile import LocalRow as LocalRow
from .reconcile import deleted_kind as deleted_kind
from .reconcile import plan_deletions as plan_deletions
from .reconcile import plan_first_sync_removals as plan_first_sync_removals
from .reconcile import plan_list_changes as plan_list_changes
from .time import ENTRY_FIELDS as ENTRY_FIELDS
from .time import EXPORT_STATES as EXPORT_STATES
from .time import HOUR_TYPE_HELP as HOUR_TYPE_HELP
from .time import MAX_DAY_SECONDS as MAX_DAY_SECONDS
from .time import MAX_NOTES as MAX_NOTES
from .time import STATES as STATES
from .time import UNLOCK_DAYS as UNLOCK_DAYS
from .time import EntryInput as EntryInput
from .time import EntryInputError as EntryInputError
from .time import check_hour_type as check_hour_type
from .time import parse_entry_input as parse_entry_input
from .time import round_to_minutes as round_to_minutes
from .time_export import EXTERNAL_GUID_SINCE as EXTERNAL_GUID_SINCE
from .time_export import Block as Block
from .time_export import ExportEntry as ExportEntry
from .time_export import ExportRules as ExportRules
from .time_export import MemberFacts as MemberFacts
from .time_export import RefFacts as RefFacts
from .time_export import add_fields as add_fields
from .time_export import choose_payroll_item as choose_payroll_item
from .time_export import explain_status as explain_status
from .time_export import marker_of as marker_of
from .time_export import mod_fields as mod_fields
from .time_export import notes_marker as notes_marker
from .time_export import preflight as preflight

__all__ = [
    "Block",
    "CHECK_CODES",
    "COUNT_KEYS",
    "Check",
    "ENTRY_FIELDS",
    "EXPORT_STATES",
    "EXTERNAL_GUID_SINCE",
    "EntryInput",
    "EntryInputError",
    "ExportEntry",
    "ExportRules",
    "FIXED_AFTER_FIRST_SYNC",
    "HOUR_TYPE_HELP",
    "HealthEmployee",
    "HealthFacts",
    "HealthSession",
    "ImportOptions",
    "LEVELS",
    "LIST_KINDS",
    "Level",
    "ListKind",
    "ListPlan",
    "ListRow",
    "LocalItem",
    "LocalRow",
    "MAX_DAY_SECONDS",
    "MAX_NOTES",
    "MappingError",
    "MemberFacts",
    "OPTION_NAMES",
    "OptionsError",
    "RefFacts",
    "STATES",
    "UNLOCK_DAYS",
    "UnknownReferenceError",
    "VALUE_KEYS",
    "add_fields",
    "change_options",
    "check_health",
    "check_hour_type",
    "check_to_json",
    "choose_payroll_item",
    "class_to_row",
    "count_key",
    "customer_to_row",
    "deleted_kind",
    "describe_options",
    "employee_to_row",
    "explain_status",
    "health_summary",
    "item_service_to_row",
    "marker_of",
    "mod_fields",
    "notes_marker",
    "options_from_dict",
    "options_to_dict",
    "parse_entry_input",
    "payroll_item_wage_to_row",
    "plan_deletions",
    "plan_first_sync_removals",
    "plan_list_changes",
    "preflight",
    "record_to_row",
    "round_to_minutes",
    "vendor_to_row",
]
