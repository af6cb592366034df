"""The payroll item mapping grid of a company: team member x hour type (issue 14).

Each cell shows the wage item the time export sends for that employee's hours of that type:
their own mapping, else the company default; gaps (paychecks use time data and no item
applies, so that time is blocked at export) are highlighted with their fix. One POST form saves
the grid; ``mappings.payroll_grid.read_grid_form`` checks every value against the grid, so a
tampered or stale form changes nothing. Support staff see the grid without the form.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mappings.payroll_grid import GAP_FIX, cell_field, default_field, read_grid_form

from ...errors import InvalidInputError
from ...store.views_time import PayrollPair
from .access import bp, clock, company_or_404, services
from .forms import ActionForm

PAGE = "admin/payroll_mapping.html"


def _render(company_id: int, *, typed: dict[str, str] | None = None, errors=None, status=200):
    company = company_or_404(company_id)
    grid = services().store.payroll_grid(company_id)
    return (
        render_template(
            PAGE,
            company=company,
            grid=grid,
            form=ActionForm(),
            typed=typed or {},
            errors=errors or {},
            cell_field=cell_field,
            default_field=default_field,
            gap_fix=GAP_FIX,
        ),
        status,
    )


@bp.get("/companies/<int:company_id>/payroll-mapping")
@login_required
def payroll_mapping(company_id: int) -> tuple[str, int]:
    """The grid, its gaps and (for owners and admins) the form that changes it."""
    return _render(company_id)


@bp.post("/companies/<int:company_id>/payroll-mapping")
@login_required
def payroll_mapping_save(company_id: int) -> Response | tuple[str, int]:
    """Save the grid: set and clear the cells and defaults that changed, all or none."""
    company_or_404(company_id, write=True)
    store = services().store
    typed = {k: v for k, v in request.form.items() if k.startswith(("cell-", "default-"))}
    changes, errors = read_grid_form(store.payroll_grid(company_id), typed)
    if not errors and changes:
        try:
            store.put_payroll_mapping(
                company_id,
                [
                    PayrollPair(team_member_id=m, hour_type=h, payroll_item_id=i)
                    for m, h, i in changes.set_members
                ],
                [
                    PayrollPair(team_member_id=None, hour_type=h, payroll_item_id=i)
                    for h, i in changes.set_defaults
                ],
                clear=changes.clear,
                now=clock().now(),
            )
        except InvalidInputError as exc:  # changed in QuickBooks since the page was read
            errors = {"": "; ".join(exc.fields.values())}
    if errors:
        flash(
            "Nothing was saved: fix the highlighted cells (the form keeps your choices).", "error"
        )
        return _render(company_id, typed=typed, errors=errors, status=400)
    count = len(changes.set_members) + len(changes.set_defaults) + len(changes.clear)
    flash(
        f"Saved {count} change{'s' if count != 1 else ''} to the payroll item mapping."
        if count
        else "Nothing changed.",
        "success",
    )
    return redirect(url_for("admin.payroll_mapping", company_id=company_id))
