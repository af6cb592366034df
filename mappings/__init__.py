"""Pure mappings between QuickBooks records and store rows. Imports only ``qbxml``.

Field maps (:mod:`.lists`), reconcile plans (:mod:`.reconcile`) and per-company import options
(:mod:`.options`); see ``docs/mappings.md``.
"""

from __future__ import annotations

from .errors import MappingError as MappingError
from .errors import OptionsError as OptionsError
from .errors import UnknownReferenceError as UnknownReferenceError
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

__all__ = [
    "COUNT_KEYS",
    "FIXED_AFTER_FIRST_SYNC",
    "ImportOptions",
    "LEVELS",
    "LIST_KINDS",
    "Level",
    "ListKind",
    "ListPlan",
    "ListRow",
    "LocalItem",
    "LocalRow",
    "MappingError",
    "OPTION_NAMES",
    "OptionsError",
    "UnknownReferenceError",
    "VALUE_KEYS",
    "change_options",
    "class_to_row",
    "count_key",
    "customer_to_row",
    "deleted_kind",
    "describe_options",
    "employee_to_row",
    "item_service_to_row",
    "options_from_dict",
    "options_to_dict",
    "payroll_item_wage_to_row",
    "plan_deletions",
    "plan_first_sync_removals",
    "plan_list_changes",
    "record_to_row",
    "vendor_to_row",
]
