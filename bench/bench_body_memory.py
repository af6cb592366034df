"""Peak memory per request of a large receiveResponseXML: a valid 50 MB answer of a live session,
against the same size with an unknown ticket (what a stranger can make the server spend).

A real ``qbtime serve`` process on a fresh instance; before each request its peak RSS is reset
(``/proc/PID/clear_refs``, Linux) and afterwards read (``VmHWM``), so the figure includes lxml's
and SQLite's memory, not only Python's. ``QBTIME_BENCH_BODY_MB`` changes the size (default 50).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

import requests

import qbxml

SIZE_MB = int(os.environ.get("QBTIME_BENCH_BODY_MB", "50"))
TNS = "http://developer.intuit.com/"


def _envelope(operation: str, **params: object) -> bytes:
    inner = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in params.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<{operation} xmlns="{TNS}">{inner}</{operation}></soap:Body></soap:Envelope>'
    ).encode()


def _post(session: requests.Session, url: str, operation: str, body: bytes) -> bytes:
    answer = session.post(
        url,
        data=body,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{TNS}{operation}"'},
        timeout=600,
    )
    answer.raise_for_status()
    return answer.content


def _text(answer: bytes, tag: str) -> list[str]:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(answer)  # our own server's answer
    return [e.text or "" for e in root.iter() if e.tag.endswith(tag)]


def _rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def _measure(pid: int, send) -> tuple[float, float, bytes]:
    """(MB above the resting RSS at the peak, seconds, answer) of one request."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    rest = _rss_kib(pid, "VmRSS")
    started = time.perf_counter()
    answer = send()
    seconds = time.perf_counter() - started
    return (_rss_kib(pid, "VmHWM") - rest) / 1024, seconds, answer


def _answer_for(request_xml: str) -> str:
    (spec,) = qbxml.parse_msgs_rq(request_xml.encode("utf-8")).requests
    rs = spec.RQ_NAME[: -len("Rq")] + "Rs"
    count = SIZE_MB * 1024 * 1024 // 190
    pad = "".join(f"<UnknownPadding>{i:08d}{'p' * 160}</UnknownPadding>" for i in range(count))
    return (
        f'<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><{rs} requestID="{spec.request_id}" '
        f'statusCode="0" statusSeverity="Info" statusMessage="Status OK">{pad}</{rs}>'
        "</QBXMLMsgsRs></QBXML>"
    )


def main() -> None:
    if not Path("/proc/self/clear_refs").exists():
        print("body_memory: needs Linux /proc (clear_refs, VmHWM); skipped")
        return
    home = Path(tempfile.mkdtemp(prefix="qbtime-bench-body-"))
    env = {**os.environ, "QBTIME_HOME": str(home)}
    cli = [sys.executable, "-m", "qbwc_server.cli"]

    def run(*args: str) -> str:
        done = subprocess.run([*cli, *args], env=env, check=True, capture_output=True, text=True)
        return done.stdout

    run("init")
    company = json.loads(run("company", "add", "Bench Builders", "--json"))
    run("sync-now", str(company["id"]))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/qbwc"
    try:
        with requests.Session() as session:
            session.trust_env = False
            for _ in range(300):
                try:
                    session.get(url + "?wsdl", timeout=2)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            auth = _envelope(
                "authenticate", strUserName=company["username"], strPassword=company["password"]
            )
            ticket = _text(_post(session, url, "authenticate", auth), "string")[0]
            send = _envelope(
                "sendRequestXML",
                ticket=ticket,
                strHCPResponse="",
                strCompanyFileName="",
                qbXMLCountry="US",
                qbXMLMajorVers=13,
                qbXMLMinorVers=0,
            )
            request = _text(_post(session, url, "sendRequestXML", send), "sendRequestXMLResult")
            response = _answer_for(request[0])
            valid = _envelope(
                "receiveResponseXML", ticket=ticket, response=response, hresult="", message=""
            )
            invalid = _envelope(
                "receiveResponseXML",
                ticket="00000000-0000-4000-8000-000000000999",
                response=response,
                hresult="",
                message="",
            )
            size = len(valid) / 2**20
            bad_mb, bad_s, bad = _measure(
                server.pid, lambda: _post(session, url, "receiveResponseXML", invalid)
            )
            good_mb, good_s, good = _measure(
                server.pid, lambda: _post(session, url, "receiveResponseXML", valid)
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"body_memory: receiveResponseXML of {size:.1f} MB, peak RSS above rest per request")
    print(
        f"  valid answer, live session:   {good_mb:7.1f} MB  {good_s:6.2f} s  "
        f"(answer {_text(good, 'receiveResponseXMLResult')[0]}%)"
    )
    print(
        f"  unknown ticket (a stranger):  {bad_mb:7.1f} MB  {bad_s:6.2f} s  "
        f"(answer {_text(bad, 'receiveResponseXMLResult')[0]})"
    )
    print(f"  ratio valid / unknown: {good_mb / max(bad_mb, 0.1):.0f}x")
