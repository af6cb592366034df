"""The benchmarks' server process: the real app at ``/qbwc`` and a bare spyne service at ``/bare``.

``python -m bench._server DATABASE_URL HOME PORT [--threads N] [--spyne-gc]`` serves both with
waitress (as ``qbtime serve`` does) until killed. The bare service has the same operations and
signatures as ``soap.QBWebConnectorSvc`` (same types, same protocol objects) and answers
constants, so the difference between the two is the server's own work. ``--spyne-gc`` restores
spyne's periodic ``gc.collect()`` (the behaviour before issue #15) for a before/after figure.
"""

from __future__ import annotations

import argparse
import logging
import uuid
from pathlib import Path

import spyne
import waitress
from spyne import Application, ServiceBase, rpc
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from qbwc_server.app import create_app
from qbwc_server.cli import default_connection_limit
from qbwc_server.settings import Settings
from qbwc_server.soap import TNS, ArrayOfString, Int, Str

REQUEST = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="16.0"?><QBXML>'
    '<QBXMLMsgsRq onError="continueOnError"><CustomerQueryRq requestID="7.1">'
    "<ActiveStatus>All</ActiveStatus><FromModifiedDate>2024-01-01T00:00:00</FromModifiedDate>"
    "</CustomerQueryRq></QBXMLMsgsRq></QBXML>"
)


class BareQBWebConnectorSvc(ServiceBase):
    """The baseline: QBWC's signatures, constant answers, no database."""

    @rpc(Str, Str, _returns=ArrayOfString, _body_style="wrapped")
    def authenticate(ctx, strUserName, strPassword):
        return [str(uuid.uuid4()), "", "", ""]

    @rpc(Str, Str, Str, Str, Int, Int, _returns=Str, _body_style="wrapped")
    def sendRequestXML(ctx, ticket, strHCPResponse, strCompanyFileName, qbXMLCountry, qbXMLMajorVers, qbXMLMinorVers):  # fmt: skip
        return REQUEST

    @rpc(Str, Str, Str, Str, _returns=Int, _body_style="wrapped")
    def receiveResponseXML(ctx, ticket, response, hresult, message):
        return 100


def bare_wsgi(max_body_bytes: int) -> WsgiApplication:
    application = Application(
        [BareQBWebConnectorSvc],
        tns=TNS,
        name="QBWebConnectorSvc",
        in_protocol=Soap11(validator="lxml", huge_tree=True),
        out_protocol=Soap11(),
    )
    return WsgiApplication(application, max_content_length=max_body_bytes)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("home")
    parser.add_argument("port", type=int)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--spyne-gc", action="store_true")
    parser.add_argument("--connection-limit", type=int)  # default: as ``qbtime serve``
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    # Many simulated Web Connectors share one loopback address: no login throttling here.
    settings = Settings(
        home=Path(args.home),
        database_url=args.database_url,
        login_failures_per_user=10**9,
        login_failures_per_address=10**9,
    )
    app = create_app(settings)
    if args.spyne_gc:
        spyne.const.MIN_GC_INTERVAL = 1.0  # spyne's default, which make_soap_wsgi turns off
    both = DispatcherMiddleware(app, {"/bare": bare_wsgi(settings.max_body_bytes)})
    waitress.serve(
        both,
        host="127.0.0.1",
        port=args.port,
        threads=args.threads,
        max_request_body_size=settings.max_body_bytes + 1024 * 1024,
        connection_limit=args.connection_limit or default_connection_limit(args.threads),
        backlog=2048,
        _quiet=True,
    )


if __name__ == "__main__":
    main()
