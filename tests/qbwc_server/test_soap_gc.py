"""spyne's forced garbage collection is off for the SOAP endpoint (issue #15)."""

from __future__ import annotations

import spyne.context

from tests.qbwc_server.conftest import envelope, post_envelope


def test_point4_soap_calls_do_not_force_a_garbage_collection(live_url, monkeypatch):
    """A SOAP call never runs spyne's periodic gc.collect(), however long since the last one."""
    collections: list[int] = []
    monkeypatch.setattr(spyne.context, "_LAST_GC_RUN", 0.0)  # "a long time ago"
    monkeypatch.setattr(spyne.context.gc, "collect", lambda *a: collections.append(1) or 0)
    for _ in range(3):
        answer = post_envelope(f"{live_url}/qbwc", envelope("serverVersion"), "serverVersion")
        assert answer.status_code == 200 and b"qbtime-sync" in answer.content
    assert collections == []
