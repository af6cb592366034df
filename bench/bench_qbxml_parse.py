"""Parse a generated 100k-customer CustomerQueryRs with ``iter_msgs_rs`` versus ``lxml.fromstring``.

Each measurement runs in a fresh subprocess that first reads the same bytes from a temporary
file and imports its parser, then resets the kernel's peak-RSS mark (``/proc/self/clear_refs``,
Linux) and parses; peak memory is the growth of the peak RSS (VmHWM) over the RSS at the start,
so lxml's C allocations count too. The lxml baseline needs ``huge_tree`` for a 100 MB tree.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

N_CUSTOMERS = int(os.environ.get("QBTIME_BENCH_CUSTOMERS", "100000"))
ROOT = Path(__file__).resolve().parents[1]

_CUSTOMER = """    <CustomerRet>
      <ListID>{lid}</ListID>
      <TimeCreated>2019-0{m}-1{d}T09:{mm}:33-05:00</TimeCreated>
      <TimeModified>2024-0{m}-2{d}T17:{mm}:02-05:00</TimeModified>
      <EditSequence>{seq}</EditSequence>
      <Name>{name}</Name>
      <FullName>{full}</FullName>
      <IsActive>{active}</IsActive>
{parent}      <Sublevel>{level}</Sublevel>
      <CompanyName>{company}</CompanyName>
      <FirstName>Pat</FirstName>
      <LastName>Smith{i}</LastName>
      <BillAddress>
        <Addr1>{i} Stonemill Road</Addr1>
        <City>Storrs</City>
        <State>CT</State>
        <PostalCode>06268</PostalCode>
      </BillAddress>
      <Phone>(860) 555-{phone:04d}</Phone>
      <Email>pat{i}@example.com</Email>
      <Balance>{bal}.00</Balance>
      <TotalBalance>{bal}.00</TotalBalance>
      <SalesTaxCodeRef>
        <ListID>10000-1211065841</ListID>
        <FullName>Tax</FullName>
      </SalesTaxCodeRef>
      <JobStatus>{status}</JobStatus>
    </CustomerRet>
"""


def generate(n: int) -> bytes:
    """A realistic CustomerQueryRs: every fifth customer is a customer, the rest its jobs."""
    rng = random.Random(1)
    parts = [
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
        f'<CustomerQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
        f'statusMessage="Status OK" retCount="{n}" iteratorRemainingCount="0" '
        'iteratorID="{eb05f701-e727-472f-8ade-6753c4f67a46}">\n'
    ]
    parent_lid, parent_name = "", ""
    for i in range(n):
        lid = f"{0x80000000 + i:X}-{1200000000 + i}"
        is_job = i % 5 != 0
        name = f"Job {i}" if is_job else f"Customer {i} & Sons"
        if not is_job:
            parent_lid, parent_name = lid, name
        parent = (
            f"      <ParentRef>\n        <ListID>{parent_lid}</ListID>\n"
            f"        <FullName>{parent_name.replace('&', '&amp;')}</FullName>\n      </ParentRef>\n"
            if is_job
            else ""
        )
        full = f"{parent_name}:{name}" if is_job else name
        parts.append(
            _CUSTOMER.format(
                lid=lid,
                m=rng.randint(1, 9),
                d=rng.randint(0, 9),
                mm=rng.randint(10, 59),
                seq=1200000000 + i,
                name=name.replace("&", "&amp;"),
                full=full.replace("&", "&amp;"),
                active="true" if rng.random() > 0.1 else "false",
                parent=parent,
                level=1 if is_job else 0,
                company=f"Company {i // 5}",
                i=i,
                phone=i % 10000,
                bal=rng.randint(0, 99999),
                status=rng.choice(["InProgress", "Closed", "None", "Awarded"]),
            )
        )
    parts.append("</CustomerQueryRs>\n</QBXMLMsgsRs>\n</QBXML>\n")
    return "".join(parts).encode("utf-8")


_CHILD = """
import json, sys, time

def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))

data = open(sys.argv[1], "rb").read()
if sys.argv[2] == "qbxml":
    from qbxml import Customer, iter_msgs_rs
else:
    from lxml import etree
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak RSS (VmHWM) to the current RSS: reading the file peaked higher
before = status("VmRSS:")
start = time.perf_counter()
if sys.argv[2] == "qbxml":
    count = sum(1 for item in iter_msgs_rs(data) if isinstance(item, Customer))
else:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    count = len(root[0][0])
seconds = time.perf_counter() - start
print(json.dumps({"count": count, "seconds": seconds, "peak_kib": max(0, status("VmHWM:") - before)}))
"""


def _measure(path: Path, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> None:
    """Generate the response, measure both parsers in fresh processes, print figures and ratios."""
    data = generate(N_CUSTOMERS)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.xml"
        path.write_bytes(data)
        del data
        size_mb = path.stat().st_size / 1e6
        ours = _measure(path, "qbxml")
        base = _measure(path, "lxml")
    assert ours["count"] == N_CUSTOMERS == base["count"], (ours, base)
    rate = ours["count"] / ours["seconds"]
    ours_mb, base_mb = ours["peak_kib"] / 1024, base["peak_kib"] / 1024
    print(
        f"qbxml_parse: {N_CUSTOMERS} customers, {size_mb:.1f} MB: "
        f"iter_msgs_rs {ours['seconds']:.2f} s ({rate:.0f} rec/s, peak +{ours_mb:.1f} MB); "
        f"lxml.fromstring {base['seconds']:.2f} s (peak +{base_mb:.0f} MB); "
        f"time x{ours['seconds'] / base['seconds']:.1f}, "
        f"memory x{ours_mb / max(base_mb, 1e-9):.3g}"
    )


if __name__ == "__main__":
    main()
