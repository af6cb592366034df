"""The 11 QBWC SOAP operations (spyne), each a few lines delegating to ``sync.QbwcService``.

Names, parameter names and types follow Intuit's QBWebConnectorSvc.wsdl: SOAP 1.1,
document/literal wrapped, namespace http://developer.intuit.com/. Must not import the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from spyne import Application, ServiceBase, Unicode, const, rpc
from spyne.model.complex import Array
from spyne.model.primitive import Integer32
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from .sync import messages
from .sync.service import QbwcService

log = logging.getLogger(__name__)

TNS = "http://developer.intuit.com/"

# WSDL: every string parameter is minOccurs=0; the two version ints and receiveResponseXMLResult
# are minOccurs=1 s:int.
Str = Unicode(min_occurs=0)
Int = Integer32(min_occurs=1, nillable=False)
ArrayOfString = Array(Unicode(nillable=True), type_name="ArrayOfString")


def _service(ctx: Any) -> QbwcService:
    service: QbwcService = ctx.udc
    return service


def _address(ctx: Any) -> str:
    env = getattr(ctx.transport, "req_env", None) or {}
    return str(env.get("REMOTE_ADDR") or "unknown")


def _call(operation: str, fallback: Any, fn: Callable[[], Any]) -> Any:
    """The one translation point: any failure becomes the operation's terminal answer.

    QBWC is never sent a traceback; the error is logged with its traceback instead.
    """
    try:
        return fn()
    except Exception:
        log.exception("QBWC %s failed", operation)
        return fallback


class QBWebConnectorSvc(ServiceBase):
    """Intuit's QBWebConnectorSvc, all 11 operations."""

    @rpc(_returns=Str, _body_style="wrapped")
    def serverVersion(ctx):
        return _call("serverVersion", "qbtime-sync", _service(ctx).server_version)

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def clientVersion(ctx, strVersion):
        return _call("clientVersion", "", lambda: _service(ctx).client_version(strVersion))

    @rpc(Str, Str, _returns=ArrayOfString, _body_style="wrapped")
    def authenticate(ctx, strUserName, strPassword):
        svc = _service(ctx)
        fallback = [svc.tickets.new_ticket(), "nvu", "", ""]
        return _call(
            "authenticate",
            fallback,
            lambda: svc.authenticate(strUserName, strPassword, _address(ctx)).as_list(),
        )

    @rpc(Str, Str, Str, Str, Int, Int, _returns=Str, _body_style="wrapped")
    def sendRequestXML(
        ctx,
        ticket,
        strHCPResponse,
        strCompanyFileName,
        qbXMLCountry,
        qbXMLMajorVers,
        qbXMLMinorVers,
    ):
        return _call(
            "sendRequestXML",
            "",
            lambda: _service(ctx).send_request_xml(
                ticket,
                strHCPResponse,
                strCompanyFileName,
                qbXMLCountry,
                qbXMLMajorVers,
                qbXMLMinorVers,
            ),
        )

    @rpc(Str, Str, Str, Str, _returns=Int, _body_style="wrapped")
    def receiveResponseXML(ctx, ticket, response, hresult, message):
        return _call(
            "receiveResponseXML",
            -1,
            lambda: _service(ctx).receive_response_xml(ticket, response, hresult, message),
        )

    @rpc(Str, Str, Str, _returns=Str, _body_style="wrapped")
    def connectionError(ctx, ticket, hresult, message):
        return _call(
            "connectionError",
            "done",
            lambda: _service(ctx).connection_error(ticket, hresult, message),
        )

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def getLastError(ctx, ticket):
        return _call(
            "getLastError", messages.INTERNAL_ERROR, lambda: _service(ctx).get_last_error(ticket)
        )

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def closeConnection(ctx, ticket):
        return _call(
            "closeConnection",
            messages.INTERNAL_ERROR,
            lambda: _service(ctx).close_connection(ticket),
        )

    @rpc(Str, Str, _returns=Str, _body_style="wrapped")
    def getInteractiveURL(ctx, wcTicket, sessionID):
        return _call(
            "getInteractiveURL", "", lambda: _service(ctx).get_interactive_url(wcTicket, sessionID)
        )

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def interactiveDone(ctx, wcTicket):
        return _call("interactiveDone", "Done", lambda: _service(ctx).interactive_done(wcTicket))

    @rpc(Str, Str, _returns=Str, _body_style="wrapped")
    def interactiveRejected(ctx, wcTicket, reason):
        return _call(
            "interactiveRejected",
            messages.INTERACTIVE_NOT_USED,
            lambda: _service(ctx).interactive_rejected(wcTicket, reason),
        )


class _QuietInvalidRequests(logging.Filter):
    """spyne logs a malformed request at ERROR with the raw body, which may hold a password.

    A malformed request is the client's problem: keep a WARNING without the body.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = "malformed SOAP request refused", ()
        return True


_INVALID_LOGGER = "spyne.protocol.soap.soap11.invalid"


def _install_log_filter() -> None:
    logger = logging.getLogger(_INVALID_LOGGER)
    if not any(isinstance(f, _QuietInvalidRequests) for f in logger.filters):
        logger.addFilter(_QuietInvalidRequests())


def make_soap_wsgi(service: QbwcService, *, max_body_bytes: int) -> WsgiApplication:
    """The spyne WSGI application serving ``service``; large bodies parse with ``huge_tree``.

    QuickBooks answers can be tens of MB: spyne's 2 MB default body cap and libxml2's 10 MB text
    node cap are both raised. Entity resolution stays off (spyne's default) and DTDs are refused
    by ``soapguard`` before spyne parses anything.
    """
    _install_log_filter()
    # spyne's MethodContext.close() forces a full gc.collect() at most once per
    # const.MIN_GC_INTERVAL seconds (1.0 by default; spyne/context.py): ~60 ms of a loaded
    # server's CPU that lands on one unlucky call. CPython's own collector still runs; this is
    # spyne's documented switch (its test_no_gc_collect sets it the same way).
    const.MIN_GC_INTERVAL = float("inf")
    application = Application(
        [QBWebConnectorSvc],
        tns=TNS,
        name="QBWebConnectorSvc",
        in_protocol=Soap11(validator="lxml", huge_tree=True),
        out_protocol=Soap11(),
    )

    def _bind(ctx: Any) -> None:
        ctx.udc = service

    application.event_manager.add_listener("method_call", _bind)
    return WsgiApplication(application, max_content_length=max_body_bytes)
