"""Tree columns of customers/jobs, service items and classes, derived per written batch.

Parent links, FullName and sublevel are worked out in Python before the batch is written, so
each row is written once with its final tree columns; only the rows of the batch, the stored
rows waiting for one of them as a parent, their stored parents and the descendants of rows
whose FullName changed are read (issue #15: linear in the batch, whatever the company's size).
A batch is written level by level (:attr:`TreeBatch.levels`): the ids of the rows it inserts
that are parents are read back after their level, so every ``parent_id`` is a plain value (a
per-row parent look-up inside the INSERT got a plan that scanned the company on PostgreSQL).
Must not import flask or spyne.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mappings import ListRow

from ._bulk import select_in, update_by_id


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
    """The derived tree columns of one batch, and what to write after it (:func:`finish_tree`)."""

    values: dict[str, tuple[str | None, str, int]]  # ListID -> (parent ListID, FullName, level)
    levels: list[list[str]]  # the batch's ListIDs, each parent it inserts a level before its jobs
    ids: dict[str, int]  # known row ids by ListID (stored parents, updated and waiting rows)
    parents: set[str]  # ListIDs the batch inserts whose id is needed (parents of other rows)
    waiting: list[_Node] = field(default_factory=list)
    seeds: dict[int, tuple[str, int]] = field(default_factory=dict)  # id -> (FullName, level)
    skip: set[str] = field(default_factory=set)  # ListIDs derived here (not descendants)

    def parent_id(self, list_id: str) -> int | None:
        """The id of a batch row's parent, once the parent's level is written."""
        parent = self.values[list_id][0]
        return None if parent is None else self.ids[parent]


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
    ids = {n.list_id: n.local_id for n in nodes.values() if n.local_id is not None}
    for chunk in _chunks(wanted, chunk_size):
        for local_id, list_id, full_name, sublevel in select_in(
            conn,
            table,
            ("id", "qb_list_id", "full_name", "sublevel"),
            company_id,
            "qb_list_id",
            chunk,
        ):
            stored[list_id] = (full_name, sublevel)
            ids[list_id] = local_id

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
    # Levels: a row goes one level after the parent it links to when the batch inserts that
    # parent (its id is read back after its level); arrival order is kept within a level.
    depth: dict[str, int] = {}
    for list_id in batch:
        if list_id in depth:
            continue
        chain = [list_id]
        while True:
            parent = values[chain[-1]][0]
            if parent is None or parent not in local_batch or parent in ids:
                base = -1  # its parent's id is known (or it has none): the first level
                break
            if parent in depth:
                base = depth[parent]
                break
            if parent in chain:  # a cycle QuickBooks should not have: cut it here
                node = nodes[chain[-1]]
                values[chain[-1]] = (None, node.full_name, node.sublevel)
                base = -1
                break
            chain.append(parent)
        for item in reversed(chain):
            base = depth[item] = base + 1
    levels: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for list_id in batch:
        levels[depth[list_id]].append(list_id)
    linked = {values[n][0] for n in nodes}
    tree = TreeBatch(
        values=values,
        levels=levels,
        ids=ids,
        parents={p for p in linked if p is not None and p not in ids},
        skip=set(nodes),
    )
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
    """After the batch's levels are written: link the waiting rows, then rename the descendants of every
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
                    "parent_id": tree.parent_id(node.list_id),
                    "full_name": full_name,
                    "sublevel": level,
                    "updated_at": now,
                }
            )
        update_by_id(conn, table, linked)
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
