"""Issue #15's targets, checked against ``bench/results.json``: one table, met or not and why."""

from __future__ import annotations

import json
from typing import Any

from bench._common import RESULTS


def _rows(data: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    rows: list[tuple[str, str, bool | None]] = []
    imp = data.get("import")
    if imp:
        sizes = sorted(imp, key=int)
        small, big = imp[sizes[0]], imp[sizes[-1]]
        fig = small["import_sqlite"]
        rows.append((f"first import >= 50k rec/s into SQLite ({sizes[0]} records)",
                     f"{fig['rate']:.0f} rec/s (reference importer {small['reference_sqlite']['rate']:.0f})",
                     fig["rate"] >= 50_000))  # fmt: skip
        rows.append(("first import <= 3x the bare lxml.etree.fromstring",
                     f"x{fig['x_fromstring']:.1f} (parse alone x{small['parse']['x_fromstring']:.1f},"
                     f" reference x{small['reference_sqlite']['x_fromstring']:.1f})",
                     fig["x_fromstring"] <= 3))  # fmt: skip
        if len(sizes) > 1:
            ratio = big["import_sqlite"]["rate"] / fig["rate"]
            rows.append((f"linear: rec/s at {sizes[-1]} = rec/s at {sizes[0]} (within 10%)",
                         f"{big['import_sqlite']['rate']:.0f} vs {fig['rate']:.0f} rec/s (x{ratio:.2f})",
                         ratio >= 0.9))  # fmt: skip
        peaks = [(imp[s]["import_sqlite"]["peak_kib"] / 1024, imp[s]["mb"]) for s in sizes]
        rows.append(("peak memory <= 4x the answer's size, flat",
                     ", ".join(f"+{p:.1f} MB for {mb:.0f} MB" for p, mb in peaks),
                     all(p <= 4 * mb for p, mb in peaks)))  # fmt: skip
        if "import_postgres" in small:
            pg = small["import_postgres"]
            if "rate_with_server" in pg:  # the client's CPU and the database server's
                ref = small["reference_postgres"]
                figure = (f"{pg['rate_with_server']:.0f} rec/s of client + server CPU"
                          f" (reference importer {ref['rate_with_server']:.0f})")  # fmt: skip
                if len(sizes) > 1 and "rate_with_server" in big.get("import_postgres", {}):
                    x = big["import_postgres"]["rate_with_server"] / pg["rate_with_server"]
                    figure += f"; at {sizes[-1]} x{x:.2f} of it"
            else:
                figure = f"{pg['rate']:.0f} rec/s, x{pg['x_fromstring']:.1f} of fromstring"
            rows.append(("(PostgreSQL) first import, same answer", figure, None))
    first = data.get("first_sync")
    if first:
        rows.append((f"first sync of {first['customers']} customers <= 5 s server CPU",
                     f"{first['server_cpu_s']:.1f} s ({len(first['errors'])} errors)",
                     first["server_cpu_s"] <= 5 and not first["errors"]))  # fmt: skip
    soap = data.get("soap")
    if soap:
        auth = soap["authenticate"]
        rows.append(("authenticate <= 5 ms",
                     f"known user p50 {auth['known_user_none']['p50_ms']:.1f} ms p99 {auth['known_user_none']['p99_ms']:.1f};"
                     f" unknown p50 {auth['unknown_user']['p50_ms']:.1f}; bare spyne p50 {auth['bare']['p50_ms']:.1f} ms",
                     auth["known_user_none"]["p50_ms"] <= 5))  # fmt: skip
        pair, bare = soap["pair"], soap["bare_pair"]
        x50, x99 = pair["p50_ms"] / bare["p50_ms"], pair["p99_ms"] / bare["p99_ms"]
        rows.append(("send/receive pair <= 2x bare spyne (p50, p99)",
                     f"x{x50:.1f} p50 ({pair['p50_ms']:.1f} vs {bare['p50_ms']:.1f} ms), x{x99:.1f} p99",
                     x50 <= 2 and x99 <= 2))  # fmt: skip
        gc = soap.get("with_spyne_gc")
        if gc:
            rows.append(("pair p99 with spyne's gc.collect() (before) / without (after)",
                         f"{gc['pair']['p99_ms']:.1f} ms / {pair['p99_ms']:.1f} ms", None))  # fmt: skip
    conc = data.get("concurrent")
    if conc:
        for n in sorted(conc, key=int):
            inc, first_wave = conc[n]["incremental"], conc[n]["first"]
            if n == "200":
                rows.append(("200 concurrent incremental syncs: no error, p99 <= 1 s",
                             f"{inc['errors']} errors, p99 {inc['p99_ms'] / 1000:.2f} s",
                             inc["errors"] == 0 and inc["p99_ms"] <= 1000))  # fmt: skip
                x = first_wave.get("x_import_cost")
                kept = conc[n].get("incremental_keep_alive")
                if kept:
                    rows.append(("200 incremental, a connection per session (QBWC direct)",
                                 f"{kept['errors']} errors, p50 {kept['p50_ms'] / 1000:.2f} s,"
                                 f" p99 {kept['p99_ms'] / 1000:.2f} s", None))  # fmt: skip
                rows.append(("200 concurrent first syncs: no error, CPU/session <= 2x import cost",
                             f"{first_wave['errors']} errors, {first_wave['server_cpu_s_per_session']:.3f} s/session"
                             + (f" = x{x:.1f}" if x else ""),
                             first_wave["errors"] == 0 and x is not None and x <= 2))  # fmt: skip
            else:
                rows.append((f"{n} concurrent (first / incremental)",
                             f"{first_wave['errors']}/{inc['errors']} errors, p99 {first_wave['p99_ms'] / 1000:.2f}"
                             f"/{inc['p99_ms'] / 1000:.2f} s", None))  # fmt: skip
    return rows


def _why(data: dict[str, Any], target: str) -> str:
    """Why a target is not met, from the same run's figures (the profiles behind them are in
    docs/performance.md, "Where the time still goes")."""
    imp, soap, first, conc = (
        data.get(k) or {} for k in ("import", "soap", "first_sync", "concurrent")
    )
    sizes = sorted(imp, key=int)
    if target.startswith("first import >= 50k") and sizes:
        small = imp[sizes[0]]
        return (f"the reference importer (bench/reference_importer.py) does"
                f" {small['reference_sqlite']['rate']:.0f} rec/s here and the parser alone is"
                f" x{small['parse']['x_fromstring']:.1f} of fromstring")  # fmt: skip
    if target.startswith("first import <= 3x") and sizes:
        return f"the parser alone is x{imp[sizes[0]]['parse']['x_fromstring']:.1f} of fromstring"
    if target.startswith("first sync of") and first:
        same = [
            imp[k]["import_sqlite"]
            for k in sizes
            if imp[k]["import_sqlite"]["records"] >= first["customers"]
        ]
        if same:
            cpu = same[0]["cpu"] * first["customers"] / same[0]["records"]
            return f"importing its records alone costs {cpu:.1f} s of CPU in the import benchmark"
    if target.startswith("authenticate") and soap:
        return f"bare spyne alone takes {soap['authenticate']['bare']['p50_ms']:.1f} ms here"
    if target.startswith("send/receive pair") and soap:
        st = soap.get("statements_per_call", {})
        n = st.get("sendRequestXML", 0) + st.get("receiveResponseXML", 0)
        return (
            f"{n:.0f} SQL statements and two commits a pair, the sync-log records and the"
            " importer: work that bare spyne does not do (profile: docs/performance.md)"
        )
    c200 = conc.get("200") or {}
    cores = (data.get("machine", {}).get("concurrent") or {}).get("cores", 2)
    if target.startswith("200 concurrent incremental") and c200:
        inc = c200["incremental"]
        total = inc["server_cpu_s_per_session"] * inc["sessions"]
        return (
            f"{inc['sessions']} sessions need {total:.0f} s of server CPU on {cores} cores"
            " shared with the simulated connectors: each call waits behind the others"
        )
    if target.startswith("200 concurrent first") and c200 and soap:
        wave = c200["first"]
        calls = wave["calls"] / max(1, wave["sessions"])
        floor = calls * soap["authenticate"]["bare"]["cpu_ms_per_call"]
        x = wave.get("x_import_cost")
        if x:
            cost = 1000 * wave["server_cpu_s_per_session"] / x
            return (f"{calls:.0f} SOAP calls for {wave['records_per_session']:.0f} records a"
                    f" session: at bare spyne's CPU per call they alone cost {floor:.0f} ms,"
                    f" already x{floor / cost:.0f} of the import cost ({cost:.1f} ms)")  # fmt: skip
    return ""


def print_table() -> None:
    """Print every target with its figure from results.json and whether it is met."""
    if not RESULTS.exists():
        return
    data = json.loads(RESULTS.read_text())
    rows = _rows(data)
    width = max(len(r[0]) for r in rows) if rows else 0
    print("\nissue #15 targets (bench/results.json):")
    for target, figure, met in rows:
        mark = "info" if met is None else ("MET" if met else "NOT MET")
        print(f"  {target:<{width}}  {mark:7s}  {figure}")
        why = _why(data, target) if met is False else ""
        if why:
            print(f"  {'':<{width}}  {'':7s}  why: {why}")
    if any(met is False for _, _, met in rows):
        print(f"  the profiles behind each 'why': {PROFILES}")


DOC = RESULTS.parents[1] / "docs" / "performance.md"
PROFILES = 'docs/performance.md, "Where the time still goes (profiles)"'
BEGIN, END = "<!-- bench:begin (written by python -m bench) -->", "<!-- bench:end -->"


def write_doc() -> None:
    """Replace the generated block of ``docs/performance.md`` with the latest table."""
    if not RESULTS.exists() or not DOC.exists():
        return
    data = json.loads(RESULTS.read_text())
    lines = [BEGIN, "", "| target | status | measured | why not |", "|---|---|---|---|"]
    for target, figure, met in _rows(data):
        mark = "info" if met is None else ("met" if met else "**not met**")
        why = _why(data, target) if met is False else ""
        lines.append(f"| {target} | {mark} | {figure} | {why} |")
    machines = data.get("machine", {})
    if machines:
        lines += ["", "Measured on (per benchmark):", ""]
        for name, m in sorted(machines.items()):
            lines.append(
                f"- `{name}`: {m.get('date')}, {m.get('cpu')}, {m.get('cores')} cores, Python"
                f" {m.get('python')}, load average {m.get('load_average_at_start', 0):.1f} at start"
            )
    lines += ["", END]
    text = DOC.read_text()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + "\n".join(lines) + rest.split(END, 1)[1]
        DOC.write_text(text)
