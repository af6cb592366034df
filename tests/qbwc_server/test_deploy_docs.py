"""Issue 11, docs/deploy.md: the proxy examples carry what the Web Connector needs in the field
(a body limit above the server's own, long timeouts, forwarded client addresses, a prefix)."""

from __future__ import annotations

import re

from qbwc_server.cli import default_connection_limit, serve
from qbwc_server.settings import Settings
from tests.conftest import ROOT

DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3, "kb": 1000, "mb": 1000**2, "gb": 1000**3}


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DEPLOY, flags=re.S)


def _size(text: str) -> int:
    m = re.fullmatch(r"(\d+)([a-zA-Z]*)", text)
    assert m is not None, text
    return int(m[1]) * UNITS.get(m[2].lower(), 1)


def _seconds(text: str) -> int:
    m = re.fullmatch(r"(\d+)(s|m)?", text)
    assert m is not None, text
    return int(m[1]) * (60 if m[2] == "m" else 1)


def test_point_deploy_nginx_example() -> None:
    """The nginx example raises the 1 MB default above max_body_bytes, waits minutes for the
    server, forwards the client address and scheme, and shows a path prefix."""
    (main, prefix) = _blocks("nginx")
    limit = re.search(r"client_max_body_size\s+(\w+);", main)
    assert limit and _size(limit[1]) >= Settings().max_body_bytes
    for directive in ("proxy_read_timeout", "proxy_send_timeout", "client_body_timeout"):
        found = re.search(rf"{directive}\s+(\w+);", main)
        assert found and _seconds(found[1]) >= 300, directive
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
        assert re.search(rf"proxy_set_header {header}\s+\$", main), header
    assert "fullchain.pem" in main and "listen 443 ssl" in main
    assert "location /qb/" in prefix and "proxy_pass http://127.0.0.1:8080/;" in prefix


def test_point_deploy_caddy_example() -> None:
    """The Caddy examples set a body limit above max_body_bytes, long proxy timeouts, and strip
    a path prefix with handle_path."""
    (main, prefix) = _blocks("caddy")
    for block in (main, prefix):
        size = re.search(r"max_size\s+(\w+)", block)
        assert size and _size(size[1]) >= Settings().max_body_bytes
        timeout = re.search(r"response_header_timeout\s+(\w+)", block)
        assert timeout and _seconds(timeout[1]) >= 300
        assert "reverse_proxy 127.0.0.1:8080" in block
    assert "handle_path /qb/*" in prefix


def test_point_deploy_proxies_keep_within_the_connection_limit() -> None:
    """The proxy, not each Web Connector, owns the connections to ``qbtime serve``: Caddy's pool
    stays within the default connection limit (past it, requests on connections left in the
    backlog wait for an accepted one to close), and nginx keeps its default of one upstream
    connection per request (no upstream keepalive, no ``Connection ""``)."""
    threads = next(p.default for p in serve.params if p.name == "threads")
    limit = default_connection_limit(threads)
    for block in _blocks("caddy"):
        conns = re.search(r"max_conns_per_host\s+(\d+)", block)
        assert conns and 1 <= int(conns[1]) <= limit, block
    for block in _blocks("nginx"):
        assert "keepalive" not in block and 'Connection ""' not in block


def test_point_deploy_names_localhost_and_the_checks() -> None:
    """The simple alternative (the QuickBooks PC, http://localhost) and the checks from that PC
    are there, with the .qwc made for localhost rather than an IP address."""
    assert "--url http://localhost:8080" in DEPLOY and "not `127.0.0.1`" in DEPLOY
    assert "/support" in DEPLOY and "/qbwc?wsdl" in DEPLOY and "trusted_proxies" in DEPLOY
