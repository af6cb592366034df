"""The baseline importer: ``iterparse`` + ``executemany`` upsert of CustomerRet rows, nothing else.

About the least a Python importer can do for the same records into the same ``customer`` table
(no validation, no sync errors, no per-record isolation): the import benchmark's yardstick.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from lxml import etree
from sqlalchemy import text
from sqlalchemy.engine import Engine

_FIELDS = {"ListID", "EditSequence", "TimeModified", "Name", "FullName", "IsActive", "Sublevel",
           "CompanyName", "Email", "JobStatus"}  # fmt: skip
_UPSERT = text(
    "INSERT INTO customer (company_id, qb_list_id, edit_sequence, qb_time_modified, name,"
    " full_name, parent_list_id, sublevel, is_active, archived, deleted_in_qb, company_name,"
    " email, job_status, is_job, assigned_to_all, created_at, updated_at) VALUES (:c, :ListID,"
    " :EditSequence, :TimeModified, :Name, :FullName, :Parent, :Sublevel, :IsActive, :archived,"
    " false, :CompanyName, :Email, :JobStatus, :is_job, true, :now, :now)"
    " ON CONFLICT (company_id, qb_list_id) DO UPDATE SET edit_sequence = excluded.edit_sequence,"
    " name = excluded.name, full_name = excluded.full_name, is_active = excluded.is_active,"
    " updated_at = excluded.updated_at WHERE customer.edit_sequence <> excluded.edit_sequence"
)
_LINK = text(
    "UPDATE customer SET parent_id = p.id FROM customer p WHERE customer.company_id = :c"
    " AND customer.parent_list_id IS NOT NULL AND customer.parent_id IS NULL"
    " AND p.company_id = :c AND p.qb_list_id = customer.parent_list_id"
)


_PYFORMAT = re.compile(r"(?<!:):(\w+)")


def import_customers(engine: Engine, company_id: int, data: bytes, batch: int = 500) -> int:
    """Upsert every CustomerRet of ``data`` for ``company_id``; returns the number of rows."""
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    count = 0
    with engine.begin() as conn:
        for _, elem in etree.iterparse(io.BytesIO(data), tag="CustomerRet", resolve_entities=False):
            row: dict[str, Any] = dict.fromkeys(_FIELDS)
            row.update(c=company_id, Parent=None, now=now)
            for child in elem:
                if child.tag in _FIELDS:
                    row[child.tag] = child.text
                elif child.tag == "ParentRef":
                    row["Parent"] = child.findtext("ListID")
            row["TimeModified"] = datetime.fromisoformat(row["TimeModified"]).astimezone(UTC)
            row["IsActive"] = row["IsActive"] == "true"
            row["archived"] = not row["IsActive"]
            row["Sublevel"] = int(row["Sublevel"] or 0)
            row["is_job"] = row["Parent"] is not None
            rows.append(row)
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
            if len(rows) == batch:
                count += _flush(conn, rows)
        count += _flush(conn, rows)
        conn.execute(_LINK, {"c": company_id})  # jobs to parents, once, in any arrival order
    return count


def _flush(conn: Any, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    cursor = conn.connection.driver_connection.cursor()  # the DBAPI's executemany, no SQLAlchemy
    if conn.dialect.name == "sqlite":
        cursor.executemany(_UPSERT.text, rows)
    else:
        cursor.executemany(_PYFORMAT.sub(r"%(\1)s", _UPSERT.text), rows)
    done = len(rows)
    rows.clear()
    return done
