"""The company set-up wizard, in the order a firm sets a client up (QuickBooks Time's own
set-up): (1) payroll settings, (2) import options, (3) the first sync's removals confirmed by
typing ``delete``, (4) the client's administrator, (5) the Web Connector: the .qwc download and
the password, (6) what to check in QuickBooks before the first sync. Steps 1 and 4 and the
set-up's overview (where it resumes) are in ``client_setup.py``."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import login_required

from mappings import FIXED_AFTER_FIRST_SYNC, LEVELS, describe_options

from ... import admin, client_setup
from ...errors import ConfigurationError
from ...qwc import check_app_url
from .access import bp, clock, company_or_404, services
from .forms import ActionForm, ConfirmDeleteForm, RegenerateForm

# the page of each step of ``client_setup.STEPS``
ENDPOINTS = {
    "payroll": "setup_payroll",
    "options": "setup_options",
    "first_sync": "setup_confirm",
    "client_admin": "setup_client_admin",
    "web_connector": "setup_web_connector",
    "checklist": "setup_checklist",
}
STEPS = tuple((ENDPOINTS[key], label) for key, label in client_setup.STEPS)

# What each option does (DESIGN section 6), in the words an accountant uses.
EXPLANATIONS = {
    "archive-existing-users": (
        "At the first sync, archive the team members you created here that do not match a "
        "QuickBooks employee (first name, last name and email). Their time is kept."
    ),
    "import-customers-jobs": (
        "Import QuickBooks customers and jobs as the customers/projects time is tracked "
        "against. Fixed after the first sync."
    ),
    "assign-customers-to-all": (
        "Let every team member track time against every imported customer and job. Fixed "
        "after the first sync."
    ),
    "service-items": (
        "off: do not import service items; show: a time entry may name one; require: every "
        "time entry must name one."
    ),
    "billable": (
        "off: no billable flag; show: a time entry may be marked billable; require: every "
        "time entry says whether it is billable."
    ),
    "classes": (
        "off: do not import classes (QuickBooks class tracking); show: optional on time "
        "entries; require: every time entry names a class."
    ),
    "import-vendors": (
        "Also import QuickBooks vendors (subcontractors) as team members, besides employees."
    ),
    "export-time": "Send approved time entries to QuickBooks as timesheets.",
}


def _option_fields(current: Any, typed: dict[str, str] | None, first_sync_done: bool) -> list:
    fields = []
    for name, text in describe_options(current):
        is_level = text in LEVELS
        fields.append(
            {
                "name": name,
                "label": name.replace("-", " ").capitalize(),
                "value": (typed or {}).get(name, text),
                "choices": list(LEVELS) if is_level else ["yes", "no"],
                "help": EXPLANATIONS.get(name, ""),
                "fixed": first_sync_done and name.replace("-", "_") in FIXED_AFTER_FIRST_SYNC,
            }
        )
    return fields


def wizard(template: str, company: Any, step: str, status: Any = 200, **context: Any) -> Any:
    """A step's page with the numbered steps above it (``status`` other than 200 too)."""
    number = next(i for i, (endpoint, _) in enumerate(STEPS, 1) if endpoint == step)
    body = render_template(
        f"admin/{template}", company=company, steps=STEPS, step=step, number=number, **context
    )
    return body if status == 200 else (body, status)


@bp.route("/companies/<int:company_id>/setup/options", methods=["GET", "POST"])
@login_required
def setup_options(company_id: int) -> Any:
    """Step 2: what the company imports, with an explanation of each option."""
    company = company_or_404(company_id, write=True)
    store = services().store
    current = admin.import_options(store, company_id)
    done = company.first_sync_at is not None
    form = ActionForm()
    if request.method == "GET":
        fields = _option_fields(current, None, done)
        return wizard("setup_options.html", company, "setup_options", form=form, fields=fields)
    names = [name for name, _ in describe_options(current)]
    typed = {n: request.form.get(n, "")[:20] for n in names if n in request.form}
    try:
        admin.set_import_options(store, company_id, typed)
    except ConfigurationError as exc:
        fields = _option_fields(current, typed, done)
        return wizard(
            "setup_options.html",
            company,
            "setup_options",
            400,
            form=form,
            fields=fields,
            error=str(exc),
        )
    store.mark_company_setup(company_id, options_done_at=clock().now())
    flash("Import options saved.", "success")
    return redirect(url_for("admin.setup_confirm", company_id=company_id))


@bp.route("/companies/<int:company_id>/setup/first-sync", methods=["GET", "POST"])
@login_required
def setup_confirm(company_id: int) -> Any:
    """Step 3: the first sync removes local customers/projects QuickBooks does not know; the
    admin types ``delete`` to allow it."""
    company = company_or_404(company_id, write=True)
    store = services().store
    options = admin.import_options(store, company_id)
    local = len(store.local_unlinked_customers(company_id))
    form = ConfirmDeleteForm()
    context: dict[str, Any] = {"form": form, "options": options, "local": local}
    if request.method == "GET":
        return wizard("setup_confirm.html", company, "setup_confirm", **context)
    typed = form.typed.data or ""
    try:
        outcome = admin.confirm_first_sync(store, clock(), company_id, typed)
    except ConfigurationError:
        error = f"Type the word {admin.DELETE_WORD} to continue; nothing was changed."
        return wizard("setup_confirm.html", company, "setup_confirm", 400, error=error, **context)
    if outcome.state == "first_sync_done":
        flash("The first sync already ran; nothing changed.", "info")
    else:
        flash("Confirmed: the first sync may remove customers QuickBooks does not know.", "success")
    return redirect(url_for("admin.setup_client_admin", company_id=company_id))


def qwc_url() -> tuple[str | None, str | None]:
    """The base URL the .qwc points the Web Connector at, or why there is none.

    ``public_url`` when set, else the host this page was opened on. Plain http is refused
    except for ``localhost``, and so are IP addresses (QBWC1001, QBWC1010/1051).
    """
    configured = services().settings.public_url.strip()
    base = configured or request.host_url
    try:
        check_app_url(base.rstrip("/") + "/qbwc")
    except ConfigurationError as exc:
        where = "public_url" if configured else f"this page's address ({request.host_url})"
        return None, (
            f"The Web Connector would refuse a .qwc built from {where}: {exc}. Set the "
            "`public_url` setting to the server's https address (see docs/operations.md), "
            "or open these pages through that address."
        )
    return base, None


@bp.get("/companies/<int:company_id>/setup/web-connector")
@login_required
def setup_web_connector(company_id: int) -> Any:
    """Step 5: the .qwc download beside the password, and numbered Web Connector steps."""
    company = company_or_404(company_id, write=True)
    base, problem = qwc_url()
    return wizard(
        "setup_web_connector.html",
        company,
        "setup_web_connector",
        base=base,
        problem=problem,
        setup=services().store.get_company_setup(company_id),
        form=RegenerateForm(),
        password=None,
    )


@bp.post("/companies/<int:company_id>/password")
@login_required
def make_password(company_id: int) -> Any:
    """Make the Web Connector password and show it once; replacing one asks to confirm first."""
    company = company_or_404(company_id, write=True)
    store = services().store
    setup = store.get_company_setup(company_id)
    form = RegenerateForm()
    base, problem = qwc_url()
    context: dict[str, Any] = {"base": base, "problem": problem, "form": form}
    if setup.password_shown_at is not None and not form.confirm.data:
        return wizard(
            "setup_web_connector.html",
            company,
            "setup_web_connector",
            400,
            setup=setup,
            password=None,
            error=(
                "Tick the box to confirm: the current password stops working and the Web "
                "Connector will ask for the new one."
            ),
            **context,
        )
    password = admin.regenerate_password(store, company_id)
    setup = store.mark_company_setup(company_id, password_shown_at=clock().now())
    return wizard(
        "setup_web_connector.html",
        company,
        "setup_web_connector",
        setup=setup,
        password=password,
        **context,
    )


def _filename(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:60]
    return f"{slug or 'company'}.qwc"


@bp.get("/companies/<int:company_id>/qwc")
@login_required
def download_qwc(company_id: int) -> Any:
    """The company's .qwc file, as an attachment (409 with the reason when the URL would be
    refused by the Web Connector)."""
    company = company_or_404(company_id, write=True)
    base, problem = qwc_url()
    if base is None:
        body = render_template(
            "admin/error.html", code=409, title="No .qwc for this address", message=problem
        )
        return body, 409
    store = services().store
    text = admin.company_qwc(store, services().settings, company_id, base)
    store.mark_company_setup(company_id, qwc_downloaded_at=clock().now())
    response = make_response(text)
    response.headers["Content-Type"] = "application/xml; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(company.name)}"'
    return response


@bp.route("/companies/<int:company_id>/setup/checklist", methods=["GET", "POST"])
@login_required
def setup_checklist(company_id: int) -> Any:
    """Step 6: what to check in QuickBooks before the first sync."""
    company = company_or_404(company_id, write=True)
    form = ActionForm()
    if request.method == "GET":
        return wizard("setup_checklist.html", company, "setup_checklist", form=form)
    if not form.validate():
        abort(400)
    services().store.mark_company_setup(company_id, checklist_done_at=clock().now())
    flash(
        f"{company.name} is set up. It syncs when the Web Connector next runs (Update Selected).",
        "success",
    )
    return redirect(url_for("admin.overview", company_id=company_id))
