"""partnerbook digest: each person's digest, delivered to a real SMTP server (aiosmtpd) and real HTTP webhooks."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import TODAY

from generator.cli import main

TEAM = """\
roles:
  head-of-ecommerce: {name: Head of e-commerce}
  marketing-lead: {name: Marketing lead}
  operations-lead: {name: Operations lead}
  platform-lead: {name: Platform lead}
  partnership-manager: {name: Partnership manager}
people:
  giulia: {name: Giulia Rossi, email: giulia@shop.example, roles: [head-of-ecommerce, partnership-manager]}
  marco: {name: Marco Bianchi, email: marco@shop.example, roles: [platform-lead]}
  sara: {name: "Sara <Verdi>", email: sara@shop.example, roles: [marketing-lead, operations-lead]}
"""
# The test server takes a login without TLS (it has no certificate); aiosmtpd warns about exactly that.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
HOSTILE = '<script>alert(1)</script> & "reply"'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_main(line: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(line.split()[1:])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return (code if isinstance(code, int) else 0 if code is None else 1), captured.out, captured.err


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"digest" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Hooks:
    """A local HTTP server for the webhooks: records each JSON body, answers ``status`` (after ``delay`` s)."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, Any]] = []
        self.status = 200
        self.delay = 0.0
        hooks = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(hooks.delay)
                if hooks.status == 200:
                    assert self.headers["Content-Type"].startswith("application/json")
                    hooks.bodies.append((self.path, json.loads(data)))
                self.send_response(hooks.status)
                self.end_headers()
                self.wfile.write(b"ok" if hooks.status == 200 else b"invalid_payload")

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hooks]:
    server = Hooks()
    monkeypatch.setenv("SLACK_URL", f"http://127.0.0.1:{server.port}/slack")
    try:
        yield server
    finally:
        server.close()


def configure(root: Path, smtp_port: int, hook_port: int | None, *, timeout: int = 5) -> None:
    settings = root / "partnerbook.yml"
    text = settings.read_text(encoding="utf-8") + f"""\
digest:
  subject: Partnerships today
  smtp:
    host: 127.0.0.1
    port: {smtp_port}
    starttls: false
    user: digest
    password_env: DIGEST_SMTP_PASSWORD
    from: partnerbook@shop.example
    timeout: {timeout}
"""
    if hook_port is not None:
        text += f"""\
  webhooks:
    - kind: slack
      url_env: SLACK_URL
      people: [sara]
    - kind: teams
      url: http://127.0.0.1:{hook_port}/teams
      role: head-of-ecommerce
"""
    settings.write_text(text, encoding="utf-8")


@pytest.fixture
def portfolio(base_portfolio: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (base_portfolio / "team.yaml").write_text(TEAM, encoding="utf-8")
    profile = base_portfolio / "partners" / "kiln-packaging" / "partner.yaml"
    profile.write_text(profile.read_text(encoding="utf-8") + f"""\
actions:
  - aspect: '{HOSTILE.replace("'", "''")}'
    responsible: sara
    deadline: 2026-10-01
""", encoding="utf-8")
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "s3cret")
    return base_portfolio


def by_recipient(inbox: Inbox) -> dict[str, EmailMessage]:
    return {rcpt[0]: message for rcpt, message in inbox.messages}


def test_dry_run_shows_one_digest_per_person_and_what_would_be_sent(portfolio: Path, smtp_server: tuple[Inbox, int],
                                                                    hooks: Hooks,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp_server
    configure(portfolio, port, hooks.port)
    code, out, _ = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --dry-run", capsys)
    assert code == 0
    assert out.count("== ") == 3
    assert "would send by email to Sara \\x3c" not in out
    assert "would send by slack webhook ($SLACK_URL)" in out
    assert "Overdue actions (1)" in out
    assert HOSTILE in out  # plain text output: the record text as written
    assert inbox.messages == []
    assert hooks.bodies == []
    assert not (portfolio / ".partnerbook" / "digest-state.json").exists()


def test_send_delivers_email_and_chat_once_a_day(portfolio: Path, smtp_server: tuple[Inbox, int], hooks: Hooks,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp_server
    configure(portfolio, port, hooks.port)
    code, out, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 0, err
    mails = by_recipient(inbox)
    assert sorted(mails) == ["giulia@shop.example", "marco@shop.example", "sara@shop.example"]
    sara = mails["sara@shop.example"]
    assert sara["Subject"].startswith("Partnerships today: ")
    assert sara["From"] == "partnerbook@shop.example"
    assert sara["To"].addresses[0].display_name == "Sara <Verdi>"
    assert sara.get_content_type() == "multipart/alternative"
    plain = sara.get_body(("plain",))
    rich = sara.get_body(("html",))
    assert plain is not None
    assert rich is not None
    assert HOSTILE in plain.get_content()
    html_text = rich.get_content()
    assert "<script>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;reply&quot;" in html_text
    assert "Overdue actions" in html_text
    # the action's owner gets it; the partner's other owner (giulia is not an operations lead) does not
    assert HOSTILE not in mails["marco@shop.example"].get_body(("plain",)).get_content()
    # webhooks: slack for sara only, teams for the head of e-commerce (giulia)
    paths = sorted(path for path, _ in hooks.bodies)
    assert paths == ["/slack", "/teams"]
    slack = next(body for path, body in hooks.bodies if path == "/slack")
    assert set(slack) == {"text", "blocks"}
    assert slack["blocks"][0]["type"] == "header"
    assert all(block["type"] in ("header", "section", "context") for block in slack["blocks"])
    mrkdwn = "\n".join(b["text"]["text"] for b in slack["blocks"] if b["type"] == "section")
    assert "&lt;script&gt;" in mrkdwn
    assert "<script>" not in mrkdwn
    teams = next(body for path, body in hooks.bodies if path == "/teams")
    assert teams["type"] == "message"
    attachment = teams["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["type"] == "AdaptiveCard"
    assert attachment["content"]["body"][0]["type"] == "TextBlock"
    assert "Giulia Rossi" in attachment["content"]["body"][0]["text"]
    # the same day again: nothing twice
    code, out, _ = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 0
    assert "0 sent, 5 already sent today, 0 failed" in out
    assert len(inbox.messages) == 3
    assert len(hooks.bodies) == 2
    # the next day: sent again, and yesterday's items are no longer new
    code, _, _ = run_main(f"partnerbook digest -C {portfolio} --today 2026-11-25 --send", capsys)
    assert code == 0
    assert len(inbox.messages) == 6
    assert "0 new" in inbox.messages[-1][1]["Subject"]


def test_server_down_fails_then_a_rerun_sends_once(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()  # nothing listens there
    configure(portfolio, port, None)
    code, out, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert f"cannot reach the SMTP server 127.0.0.1:{port}" in err
    assert "0 sent" in out
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        assert run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)[0] == 0
        assert run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)[0] == 0
    finally:
        controller.stop()
    assert sorted(rcpt[0] for rcpt, _ in inbox.messages) == [
        "giulia@shop.example", "marco@shop.example", "sara@shop.example"]


def test_refused_login_fails_and_marks_nothing(portfolio: Path, smtp_server: tuple[Inbox, int],
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp_server
    configure(portfolio, port, None)
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "wrong")
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert "refused the login of digest" in err
    assert "wrong" not in err
    assert inbox.messages == []
    monkeypatch.delenv("DIGEST_SMTP_PASSWORD")
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert "DIGEST_SMTP_PASSWORD" in err
    monkeypatch.setenv("DIGEST_SMTP_PASSWORD", "s3cret")
    assert run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)[0] == 0
    assert len(inbox.messages) == 3


def test_webhook_error_and_timeout_fail_without_resending_what_went(portfolio: Path, smtp_server: tuple[Inbox, int],
                                                                    hooks: Hooks,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp_server
    configure(portfolio, port, hooks.port, timeout=1)
    hooks.status = 500
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert "the slack webhook ($SLACK_URL) answered HTTP 500" in err
    assert "the teams webhook answered HTTP 500" in err
    assert len(inbox.messages) == 3  # the emails went
    hooks.status = 200
    hooks.delay = 2.5
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert "did not answer within 1 s" in err
    time.sleep(hooks.delay + 0.5)  # let the slow server finish the requests the client gave up on
    hooks.delay = 0
    hooks.bodies.clear()
    code, out, _ = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 0
    assert "2 sent, 3 already sent today" in out
    assert sorted(path for path, _ in hooks.bodies) == ["/slack", "/teams"]
    assert len(inbox.messages) == 3  # no email twice


def test_formats_and_person_filter(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --person sara --format markdown",
                            capsys)
    assert code == 0
    assert out.startswith("## Partnerships digest for Sara &#60;Verdi&#62;")
    assert "<script>" not in out
    code, out, _ = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --person sara --format chat", capsys)
    body = json.loads(out)
    assert set(body) == {"person", "slack", "teams"}
    code, out, _ = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --person sara --format email", capsys)
    assert "Content-Type: multipart/alternative" in out
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --person nobody", capsys)
    assert code == 1
    assert "not a person of team.yaml" in err


def test_without_a_team_the_digest_says_what_to_add(base_portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(f"partnerbook digest -C {base_portfolio} --today {TODAY}", capsys)
    assert code == 1
    assert "team.yaml" in err


def test_a_symlinked_state_file_is_not_followed(portfolio: Path, smtp_server: tuple[Inbox, int], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp_server
    configure(portfolio, port, None)
    outside = tmp_path / "outside.json"
    outside.write_text("keep\n", encoding="utf-8")
    (portfolio / ".partnerbook").mkdir()
    (portfolio / ".partnerbook" / "digest-state.json").symlink_to(outside)
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    # not followed, and not silently replaced either: without what was sent today, every digest would go again
    assert code == 1
    assert "digest state file" in err
    assert "not a regular file" in err
    assert outside.read_text(encoding="utf-8") == "keep\n"
    assert inbox.messages == []
    (portfolio / ".partnerbook" / "digest-state.json").unlink()  # the fix the message names
    assert run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)[0] == 0
    assert len(inbox.messages) == 3


def test_an_unreadable_state_file_sends_nothing_twice(portfolio: Path, smtp_server: tuple[Inbox, int],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    inbox, port = smtp_server
    configure(portfolio, port, None)
    assert run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)[0] == 0
    assert len(inbox.messages) == 3
    (portfolio / ".partnerbook" / "digest-state.json").write_text("{garbage", encoding="utf-8")
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert "cannot be read" in err
    assert len(inbox.messages) == 3  # nothing went twice


def test_send_without_any_channel_configured_fails(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_main(f"partnerbook digest -C {portfolio} --today {TODAY} --send", capsys)
    assert code == 1
    assert "nothing to send with" in err
    assert "digest.smtp" in err
