"""qbwc_server.mail against a real SMTP sink on loopback."""

from __future__ import annotations

import socket

from qbwc_server.mail import mail_configured, send_mail
from qbwc_server.settings import Settings
from tests.smtp_sink import smtp_sink


def test_without_a_mail_server_nothing_is_sent_and_the_reason_says_copy_the_link() -> None:
    settings = Settings()
    assert not mail_configured(settings)
    result = send_mail(settings, to="a@example.test", subject="s", body="b")
    assert not result.sent and "copy the link" in result.detail


def test_a_message_arrives_at_the_sink_with_its_subject_body_and_sender() -> None:
    with smtp_sink() as sink:
        settings = Settings().replace(**sink.settings_changes())
        result = send_mail(
            settings,
            to="ann@example.test",
            to_name="Ann Ode",
            subject="Invitation",
            body="Open https://qb.example.test/invite/abc\n",
        )
        assert result.sent, result.detail
        (msg,) = sink.wait_for(1)
    assert msg["Subject"] == "Invitation"
    assert msg["To"] == "Ann Ode <ann@example.test>"
    assert msg["From"] == "qbtime-sync <noreply@example.test>"
    assert "https://qb.example.test/invite/abc" in msg.get_content()


def test_an_unreachable_mail_server_gives_a_sentence_not_an_exception() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings().replace(
        smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False, smtp_timeout_seconds=2
    )
    result = send_mail(settings, to="ann@example.test", subject="s", body="b")
    assert not result.sent
    assert f"127.0.0.1:{port}" in result.detail and "smtp_" in result.detail
