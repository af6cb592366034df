"""Per-company import options (DESIGN section 6): the record, its stored JSON form, text edits.

Pure standard library. The store keeps :func:`options_to_dict`'s output as JSON; the CLI and the
web page change options through :func:`change_options` with the text the admin typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Literal, get_args

from .errors import OptionsError

__all__ = [
    "FIXED_AFTER_FIRST_SYNC",
    "LEVELS",
    "OPTION_NAMES",
    "ImportOptions",
    "Level",
    "change_options",
    "describe_options",
    "options_from_dict",
    "options_to_dict",
]

Level = Literal["off", "show", "require"]
LEVELS: tuple[Level, ...] = get_args(Level)

_TRUE = frozenset({"yes", "true", "on", "1"})
_FALSE = frozenset({"no", "false", "off", "0"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportOptions:
    """What a company imports from QuickBooks and exports to it, chosen before the first sync."""

    archive_existing_users: bool = False
    """First sync: archive local team members that are not linked to QuickBooks."""
    import_customers_jobs: bool = True
    """Import customers and jobs; fixed after the first sync."""
    assign_customers_to_all: bool = True
    """Assign imported customers and jobs to every team member; fixed after the first sync."""
    service_items: Level = "show"
    """``off``: service items are not imported; ``show``: optional on time; ``require``."""
    billable: Level = "show"
    """Whether time entries show, or must carry, the billable flag."""
    classes: Level = "off"
    """``off``: classes are not imported; ``show``: optional on time; ``require``."""
    import_vendors: bool = False
    """Import vendors as team members (``qb_role="vendor"``)."""
    export_time: bool = False
    """Export approved time to QuickBooks. Off until the company is ready, as QuickBooks Time's own
    "Export approved timesheets when syncing" box starts unticked."""


OPTION_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ImportOptions))
FIXED_AFTER_FIRST_SYNC: frozenset[str] = frozenset(
    {"import_customers_jobs", "assign_customers_to_all"}
)
_DEFAULTS = ImportOptions()
_LEVEL_OPTIONS = frozenset(
    name for name in OPTION_NAMES if not isinstance(getattr(_DEFAULTS, name), bool)
)


def _check_value(name: str, value: object) -> object:
    """Return ``value`` if it has the option's type, else raise OptionsError."""
    if name in _LEVEL_OPTIONS:
        if isinstance(value, str) and value in LEVELS:
            return value
        raise OptionsError("expected one of " + ", ".join(LEVELS), option=name)
    if isinstance(value, bool):
        return value
    raise OptionsError("expected a boolean", option=name)


def options_from_dict(data: Mapping[str, object]) -> ImportOptions:
    """Read options from their stored JSON form.

    Missing keys take the defaults and unknown keys are ignored, so options stored by an older
    or newer version still load.

    :raises OptionsError: a known option has a value of the wrong type or an unknown level.
    """
    values = {name: _check_value(name, data[name]) for name in OPTION_NAMES if name in data}
    return replace(_DEFAULTS, **values)  # type: ignore[arg-type]


def options_to_dict(options: ImportOptions) -> dict[str, object]:
    """The JSON-ready form of ``options``; :func:`options_from_dict` reads it back unchanged."""
    return {name: getattr(options, name) for name in OPTION_NAMES}


def _option_name(name: str) -> str:
    """``service-items`` and ``service_items`` name the same option."""
    canonical = name.strip().replace("-", "_").lower()
    if canonical not in OPTION_NAMES:
        raise OptionsError("unknown option", option=name)
    return canonical


def _parse_text(name: str, text: str) -> object:
    """The option value a CLI or web text stands for."""
    word = text.strip().lower()
    if name in _LEVEL_OPTIONS:
        if word in LEVELS:
            return word
        raise OptionsError("expected one of " + ", ".join(LEVELS), option=name)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise OptionsError("expected yes or no", option=name)


def change_options(
    current: ImportOptions, changes: Mapping[str, str], *, first_sync_done: bool
) -> ImportOptions:
    """Apply text changes (``{"billable": "require", "import-vendors": "yes"}``) to ``current``.

    Names may use dashes or underscores. Booleans accept yes/no, true/false, on/off and 1/0;
    levels accept off/show/require (both case-insensitive).

    :raises OptionsError: an unknown option, a bad value, or a different value for an option
        in :data:`FIXED_AFTER_FIRST_SYNC` once ``first_sync_done`` is true.
    """
    values: dict[str, object] = {}
    for raw_name, text in changes.items():
        name = _option_name(raw_name)
        value = _parse_text(name, text)
        if first_sync_done and name in FIXED_AFTER_FIRST_SYNC and value != getattr(current, name):
            raise OptionsError("fixed after the first sync", option=name)
        values[name] = value
    return replace(current, **values)  # type: ignore[arg-type]


def describe_options(options: ImportOptions) -> list[tuple[str, str]]:
    """``(option-name, text)`` pairs for printing, in :data:`OPTION_NAMES` order.

    The texts are ones :func:`change_options` accepts (``yes``/``no`` or a level).
    """
    pairs: list[tuple[str, str]] = []
    for name in OPTION_NAMES:
        value = getattr(options, name)
        text = ("yes" if value else "no") if isinstance(value, bool) else str(value)
        pairs.append((name.replace("_", "-"), text))
    return pairs
