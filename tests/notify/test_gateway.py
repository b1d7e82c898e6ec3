"""The HTTP SMS gateway against a fake gateway on this machine: what it sends, and failures as DeliveryError
without the number in the message."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from doantu.notify.channels import DeliveryError, HttpSmsGateway, Message


@pytest.fixture
def fake_gateway():
    received = []
    answer = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((self.path, dict(self.headers), json.loads(self.rfile.read(length))))
            self.send_response(answer["status"])
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):  # quiet
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sms", received, answer
    finally:
        server.shutdown()
        server.server_close()


def test_gateway_posts_json_with_the_token(settings, fake_gateway):
    url, received, _ = fake_gateway
    settings.NOTIFY_SMS_GATEWAY_URL = url
    settings.NOTIFY_SMS_GATEWAY_TOKEN = "tok-123"
    settings.NOTIFY_SMS_SENDER = "UBND-DXUAN"
    HttpSmsGateway().send("0912345678", Message("s", "Thông tin ABCD-EFGH: Đã xác minh"))
    path, headers, body = received[0]
    assert path == "/sms"
    assert headers["Authorization"] == "Bearer tok-123"
    assert body == {"to": "0912345678", "text": "Thông tin ABCD-EFGH: Đã xác minh", "sender": "UBND-DXUAN"}


def test_gateway_refusal_is_a_delivery_error_without_the_number(settings, fake_gateway):
    url, _, answer = fake_gateway
    settings.NOTIFY_SMS_GATEWAY_URL = url
    answer["status"] = 503
    with pytest.raises(DeliveryError) as failed:
        HttpSmsGateway().send("0912345678", Message("s", "x"))
    assert "503" in str(failed.value) and "0912345678" not in str(failed.value)


def test_gateway_unreachable(settings):
    from doantu.throwaway import free_port

    settings.NOTIFY_SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/sms"
    with pytest.raises(DeliveryError, match="unreachable"):
        HttpSmsGateway().send("0912345678", Message("s", "x"))


@pytest.mark.django_db
def test_tipster_failure_is_recorded_without_the_number(settings, fake_gateway, source, users):
    from doantu.audit.models import AuditEntry
    from doantu.notify.services import tipster_notify

    from .test_notifications import make_tip

    url, received, answer = fake_gateway
    settings.NOTIFY_SMS_BACKEND = "doantu.notify.channels.HttpSmsGateway"
    settings.NOTIFY_SMS_GATEWAY_URL = url
    answer["status"] = 500
    tip = make_tip(source)
    from doantu.tips import services as tips

    tips.tip_conclude(tip=tip, actor=users["campaign"], outcome="verified", note="Đã xác minh")
    assert tipster_notify(tip_id=tip.pk, status="verified") == "failed"
    entry = AuditEntry.objects.get(action="reporter_not_notified")
    assert "gọi điện" in entry.message and "0912345678" not in entry.message
    answer["status"] = 200
    assert tipster_notify(tip_id=tip.pk, status="verified") == "sent"
    assert received[-1][2]["to"] == "0912345678"
