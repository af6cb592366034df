"""Tree columns of customers/jobs, service items and classes, derived per written batch.

Parent links, FullName and sublevel are worked out in Python before the batch is written, so
each row is written once with its final tree columns; only the rows of the batch, the stored
rows waiting for one of them as a parent, their stored parents and the descendants of rows
whose FullName changed are read (issue #15: linear in the batch, whatever the company's size).
Must not import flask or spyne.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from mappings import ListRow

from ._bulk import select_in, update_by_id

# The bound values a row's parent_id is looked up from (see parent_expression).
PARENT_KEY = "_parent"
COMPANY_KEY = "_company"


@dataclass(slots=True)
class _Node:
    """A row whose tree columns are derived here: one of the batch, or a stored one waiting."""

    list_id: str
    local_id: int | None  # None for a row the batch inserts
    name: str
    parent_list_id: str | None
    full_name: str  # as QuickBooks sent it (batch) or as stored (waiting)
    sublevel: int
    stored_linked: bool = False


@dataclass(slots=True)
class TreeBatch:
    """The derived tree columns of one batch, and what to write after it (:func:`finish`)."""

    values: dict[str, tuple[str | None, str, int]]  # ListID -> (parent ListID, FullName, level)
    order: list[str]  # the batch's ListIDs, every linked parent before its children
    waiting: list[_Node] = field(default_factory=list)
    seeds: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (FullName, level)
    skip: set[str] = field(default_factory=set)  # ListIDs derived here (not descendants)


def parent_expression(table: Any) -> Any:
    """``(SELECT id FROM table WHERE company_id = :_company AND qb_list_id = :_parent)``: a
    row's parent_id, found when the row is written (so a parent inserted earlier in the same
    ``executemany`` is found too); NULL when ``_parent`` is NULL."""
    parent = table.alias("tree_parent")
    return (
        select(parent.c.id)
        .where(
            parent.c.company_id == bindparam(COMPANY_KEY, type_=table.c.company_id.type),
            parent.c.qb_list_id == bindparam(PARENT_KEY, type_=table.c.qb_list_id.type),
        )
        .scalar_subquery()
    )


def _chunks(values: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def plan_tree(
    conn: Any,
    table: Any,
    company_id: int,
    rows: Sequence[ListRow],
    local_ids: Mapping[str, int],
    chunk_size: int,
) -> TreeBatch:
    """Derive the tree columns of ``rows`` (one batch, one row per ListID) and of the stored
    rows waiting for one of them as a parent.

    :param local_ids: the ids of the batch's rows the store already has (updates, links).
    :param chunk_size: ListIDs per ``IN (...)`` list.
    """
    c = table.c
    limit = c.full_name.type.length
    nodes: dict[str, _Node] = {
        r.qb_list_id: _Node(
            list_id=r.qb_list_id,
            local_id=local_ids.get(r.qb_list_id),
            name=r.name,
            parent_list_id=r.parent_list_id,
            full_name=r.full_name,
            sublevel=r.sublevel,
        )
        for r in rows
    }
    batch = list(nodes)
    local_batch = set(batch)
    waiting: list[_Node] = []
    cols = ("id", "qb_list_id", "name", "parent_list_id", "full_name", "sublevel")
    for chunk in _chunks(sorted(batch), chunk_size):
        waiting_rows = select_in(
            conn, table, cols, company_id, "parent_list_id", chunk, null="parent_id"
        )
        for local_id, list_id, name, parent_list_id, full_name, sublevel in waiting_rows:
            if list_id is None or list_id in nodes:
                continue
            node = _Node(
                list_id=list_id,
                local_id=local_id,
                name=name,
                parent_list_id=parent_list_id,
                full_name=full_name,
                sublevel=sublevel,
            )
            nodes[list_id] = node
            waiting.append(node)
    wanted = sorted({n.parent_list_id for n in nodes.values() if n.parent_list_id} - nodes.keys())
    stored: dict[str, tuple[str, int]] = {}
    for chunk in _chunks(wanted, chunk_size):
        for list_id, full_name, sublevel in select_in(
            conn, table, ("qb_list_id", "full_name", "sublevel"), company_id, "qb_list_id", chunk
        ):
            stored[list_id] = (full_name, sublevel)

    values: dict[str, tuple[str | None, str, int]] = {}
    busy: set[str] = set()

    def resolve(node: _Node) -> tuple[str | None, str, int]:
        if node.list_id in values:
            return values[node.list_id]
        parent_id = node.parent_list_id
        value: tuple[str | None, str, int]
        if parent_id is None:
            value = (None, node.name, 0)
        elif parent_id in nodes and node.list_id not in busy:  # (busy: a cycle)
            busy.add(node.list_id)
            _, parent_name, parent_level = resolve(nodes[parent_id])
            busy.discard(node.list_id)
            value = (parent_id, f"{parent_name}:{node.name}"[:limit], parent_level + 1)
        elif parent_id in stored:
            parent_name, parent_level = stored[parent_id]
            value = (parent_id, f"{parent_name}:{node.name}"[:limit], parent_level + 1)
        else:  # parent not here yet, or a cycle: keep QuickBooks' (or the stored) FullName
            value = (None, node.full_name, node.sublevel)
        if node.list_id not in busy:  # a cycle's first row is resolved when the stack unwinds
            values[node.list_id] = value
        return value

    for node in nodes.values():
        resolve(node)
    # Parents the batch inserts are written before their children, so the parent_id subquery
    # finds them; arrival order is kept where it already allows that.
    order: list[str] = []
    placed: set[str] = set()
    for list_id in batch:
        chain: list[str] = []
        current: str | None = list_id
        while current is not None and current in local_batch and current not in placed:
            if current in chain:  # a cycle QuickBooks should not have: stop at it
                break
            chain.append(current)
            current = values[current][0]
        for item in reversed(chain):
            placed.add(item)
            order.append(item)

    tree = TreeBatch(values=values, order=order, skip=set(nodes))
    for node in waiting:
        parent, full_name, level = values[node.list_id]
        if (parent is not None, full_name, level) != (False, node.full_name, node.sublevel):
            tree.waiting.append(node)
    for node in nodes.values():
        if node.local_id is not None:
            _, full_name, level = values[node.list_id]
            tree.seeds[node.local_id] = (full_name, level)
    return tree


def finish_tree(
    conn: Any, table: Any, company_id: int, tree: TreeBatch, now: datetime, chunk_size: int
) -> None:
    """After the batch is written: link the waiting rows, then rename the descendants of every
    row whose tree columns may have changed, level by level (index on ``(company_id,
    parent_id)``), so a renamed parent reaches its jobs whatever QuickBooks sent."""
    c = table.c
    limit = c.full_name.type.length
    if tree.waiting:
        linked = []
        for node in tree.waiting:
            parent, full_name, level = tree.values[node.list_id]
            linked.append(
                {
                    "_id": node.local_id,
                    COMPANY_KEY: company_id,
                    PARENT_KEY: parent,
                    "full_name": full_name,
                    "sublevel": level,
                    "updated_at": now,
                }
            )
        update_by_id(conn, table, linked, exprs={"parent_id": parent_expression})
    changes: list[dict[str, Any]] = []
    frontier = tree.seeds
    seen = set(frontier)
    cols = ("id", "qb_list_id", "name", "parent_id", "full_name", "sublevel")
    while frontier:
        below: dict[int, tuple[str, int]] = {}
        for id_chunk in _chunks(sorted(frontier), chunk_size):
            children = select_in(conn, table, cols, company_id, "parent_id", id_chunk)
            for local_id, list_id, name, parent_id, full_name, sublevel in children:
                if local_id in seen or list_id in tree.skip:
                    continue
                seen.add(local_id)
                parent_name, parent_level = frontier[parent_id]
                named = (f"{parent_name}:{name}"[:limit], parent_level + 1)
                if named != (full_name, sublevel):
                    changes.append(
                        {
                            "_id": local_id,
                            "full_name": named[0],
                            "sublevel": named[1],
                            "updated_at": now,
                        }
                    )
                    below[local_id] = named
        frontier = below
    update_by_id(conn, table, changes)
