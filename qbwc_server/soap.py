"""The 11 QBWC SOAP operations (spyne), each a few lines delegating to ``sync.QbwcService``.

Names, parameter names and types follow Intuit's QBWebConnectorSvc.wsdl: SOAP 1.1,
document/literal wrapped, namespace http://developer.intuit.com/. Must not import the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from spyne import Application, Fault, ServiceBase, Unicode, const, rpc
from spyne.const.http import HTTP_400
from spyne.model.complex import Array
from spyne.model.primitive import Integer32
from spyne.protocol.soap import Soap11
from spyne.server.wsgi import WsgiApplication

from .errors import DatabaseUnavailableError
from .logsafe import shown
from .sync import messages
from .sync.service import FAILURE_ANSWERS, QbwcService

log = logging.getLogger(__name__)

TNS = "http://developer.intuit.com/"

# WSDL: every string parameter is minOccurs=0; the two version ints and receiveResponseXMLResult
# are minOccurs=1 s:int.
Str = Unicode(min_occurs=0)
Int = Integer32(min_occurs=1, nillable=False)
ArrayOfString = Array(Unicode(nillable=True), type_name="ArrayOfString")


# When even the service cannot answer a failure: fixed answers that accuse no one.
_LAST_RESORT: dict[str, Any] = {
    **FAILURE_ANSWERS,
    "authenticate": ["", "none", "", ""],
    "getLastError": messages.INTERNAL_ERROR,
    "closeConnection": messages.INTERNAL_ERROR,
}


def _service(ctx: Any) -> QbwcService:
    service: QbwcService = ctx.udc
    return service


def _address(ctx: Any) -> str:
    env = getattr(ctx.transport, "req_env", None) or {}
    return str(env.get("REMOTE_ADDR") or "unknown")


def _call(ctx: Any, operation: str, ticket: str | None, fn: Callable[[], Any]) -> Any:
    """The one translation point: any failure becomes the operation's terminal answer.

    QBWC is never sent a traceback; the error is logged (with its traceback when it is not a
    known database outage) and the service records the sentence getLastError and
    closeConnection then show.
    """
    try:
        return fn()
    except Exception as exc:
        if isinstance(exc, DatabaseUnavailableError):
            # The driver's message names the statement and its parameters: capped, escaped.
            cause = shown(exc.__cause__, 200)
            log.error("QBWC %s failed: the database is unavailable (%s)", operation, cause)
        else:
            log.exception("QBWC %s failed", operation)
        try:
            return _service(ctx).answer_failure(operation, ticket, exc)
        except Exception:
            log.exception("QBWC %s: recording the failure failed too", operation)
            return _LAST_RESORT[operation]


class QBWebConnectorSvc(ServiceBase):
    """Intuit's QBWebConnectorSvc, all 11 operations."""

    @rpc(_returns=Str, _body_style="wrapped")
    def serverVersion(ctx):
        return _call(ctx, "serverVersion", None, _service(ctx).server_version)

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def clientVersion(ctx, strVersion):
        return _call(ctx, "clientVersion", None, lambda: _service(ctx).client_version(strVersion))

    @rpc(Str, Str, _returns=ArrayOfString, _body_style="wrapped")
    def authenticate(ctx, strUserName, strPassword):
        return _call(
            ctx,
            "authenticate",
            None,
            lambda: _service(ctx).authenticate(strUserName, strPassword, _address(ctx)).as_list(),
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
            ctx,
            "sendRequestXML",
            ticket,
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
            ctx,
            "receiveResponseXML",
            ticket,
            lambda: _service(ctx).receive_response_xml(ticket, response, hresult, message),
        )

    @rpc(Str, Str, Str, _returns=Str, _body_style="wrapped")
    def connectionError(ctx, ticket, hresult, message):
        return _call(
            ctx,
            "connectionError",
            ticket,
            lambda: _service(ctx).connection_error(ticket, hresult, message),
        )

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def getLastError(ctx, ticket):
        return _call(ctx, "getLastError", ticket, lambda: _service(ctx).get_last_error(ticket))

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def closeConnection(ctx, ticket):
        return _call(ctx, "closeConnection", ticket, lambda: _service(ctx).close_connection(ticket))

    @rpc(Str, Str, _returns=Str, _body_style="wrapped")
    def getInteractiveURL(ctx, wcTicket, sessionID):
        return _call(
            ctx,
            "getInteractiveURL",
            wcTicket,
            lambda: _service(ctx).get_interactive_url(wcTicket, sessionID),
        )

    @rpc(Str, _returns=Str, _body_style="wrapped")
    def interactiveDone(ctx, wcTicket):
        return _call(
            ctx, "interactiveDone", wcTicket, lambda: _service(ctx).interactive_done(wcTicket)
        )

    @rpc(Str, Str, _returns=Str, _body_style="wrapped")
    def interactiveRejected(ctx, wcTicket, reason):
        return _call(
            ctx,
            "interactiveRejected",
            wcTicket,
            lambda: _service(ctx).interactive_rejected(wcTicket, reason),
        )


class _QuietInvalidRequests(logging.Filter):
    """spyne logs a malformed request at ERROR, with the raw body (which may hold a password)
    and a traceback. A malformed request is the client's problem: keep one WARNING line.

    Records about anything but a client's bad request pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        msg = record.msg
        if record.name == _INVALID_LOGGER or record.name.startswith("spyne.protocol"):
            reason = "invalid value or XML"
        elif isinstance(msg, Fault) and _is_client_fault(msg):
            reason = str(msg.faultcode)
        else:
            return True
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = "malformed SOAP request refused (%s)", (reason,)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


_INVALID_LOGGER = "spyne.protocol.soap.soap11.invalid"
_SPYNE_LOGGERS = (
    _INVALID_LOGGER,
    "spyne.protocol._inbase",
    "spyne.protocol.xml",
    "spyne.server._base",
    "spyne.server.wsgi",
)


def _install_log_filter() -> None:
    for name in _SPYNE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _QuietInvalidRequests) for f in logger.filters):
            logger.addFilter(_QuietInvalidRequests())


def _is_client_fault(fault: Fault) -> bool:
    code = str(fault.faultcode or "")
    return code == "Client" or code.startswith("Client.")


class _Soap11(Soap11):  # type: ignore[misc]
    """spyne's SOAP 1.1 with every bad request a ``Client`` fault (HTTP 400), never a 500.

    spyne lets an empty body, a byte its charset cannot decode, an unknown charset, an empty
    ``soap:Body`` or a broken multipart message escape as plain exceptions (waitress answers a
    text 500 and logs a traceback). A document type declaration is refused after parsing too,
    whatever encoding or prolog hid it from ``soapguard``.
    """

    def create_in_document(self, ctx: Any, charset: str | None = None) -> None:
        try:
            super().create_in_document(ctx, charset)
        except Fault as fault:
            log.warning("malformed SOAP request refused (%s)", fault.faultcode)
            raise
        except Exception as exc:
            reason = _bad_request_reason(exc)
            log.warning("malformed SOAP request refused: %s", reason)
            raise Fault("Client.BadRequest", reason) from exc
        root = ctx.in_document[0]
        if root.getroottree().docinfo.doctype:
            log.warning("SOAP body with a DOCTYPE refused after parsing")
            raise Fault("Client.DTDForbidden", "A SOAP message must not contain a DTD.")

    def decompose_incoming_envelope(self, ctx: Any, message: Any = Soap11.REQUEST) -> None:
        try:
            super().decompose_incoming_envelope(ctx, message)
        except Fault as fault:
            log.warning("malformed SOAP request refused (%s)", fault.faultcode)
            raise
        except Exception as exc:
            log.warning("malformed SOAP request refused: no operation in the Body")
            raise Fault(
                "Client.BadRequest", "The SOAP Envelope has no Body with an operation."
            ) from exc

    def fault_to_http_response_code(self, fault: Any) -> str:
        if isinstance(fault, Fault) and _is_client_fault(fault):
            return HTTP_400
        return str(super().fault_to_http_response_code(fault))


def _bad_request_reason(exc: Exception) -> str:
    if isinstance(exc, StopIteration):
        return "The request body is empty."
    if isinstance(exc, LookupError):
        return "The request's charset is unknown."
    if isinstance(exc, UnicodeError):
        return "The request body is not valid text in its declared charset."
    return f"The request is not a readable SOAP message ({type(exc).__name__})."


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
        in_protocol=_Soap11(validator="lxml", huge_tree=True),
        out_protocol=_Soap11(),
    )

    def _bind(ctx: Any) -> None:
        ctx.udc = service

    application.event_manager.add_listener("method_call", _bind)
    return WsgiApplication(application, max_content_length=max_body_bytes)
