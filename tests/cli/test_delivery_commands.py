"""``notify test``, ``outbox list`` and ``outbox flush`` against real servers on 127.0.0.1."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main
from pledgewatch.delivery.channels import Channel
from pledgewatch.delivery.notes import queue_notes
from tests.support.sample_changes import sample_changes
from tests.support.smtp_sink import SmtpSink, free_port
from tests.support.webhook_sink import WebhookSink

TOKEN = "t0ken-s3cret"
EDITOR = "editor@example.org"


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write_config(tmp_path: Path, *, smtp_port: int | None, channels: dict[str, str]) -> Path:
    lines = [f'[report]\ndir = "{tmp_path / "reports"}"\nkeep_runs = 1',
             f'[outbox]\nkeep_sent_days = 7\n[mail]\noutbox_dir = "{tmp_path / "outbox"}"']
    if smtp_port is not None:
        lines.append(f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\n'
                     f'[[mail.recipients]]\naddress = "{EDITOR}"')
    for name, url in channels.items():
        lines.append(f'[[notify.channels]]\nname = "{name}"\nurl = "{url}"')
    path = tmp_path / "pledgewatch.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def receiver():
    with WebhookSink() as sink:
        yield sink


def test_notify_test_says_per_recipient_whether_it_went(tmp_path, smtp, receiver):
    down = WebhookSink(free_port()).url(f"down/{TOKEN}")
    config = write_config(tmp_path, smtp_port=smtp.port,
                          channels={"desk": receiver.url(), "ops": down})
    code, out, _ = invoke("notify", "test", "--config", str(config))
    assert code == 1
    assert out.splitlines() == [
        f"{EDITOR}: sent",
        "desk (json://***): sent",
        "ops (json://***): NOT sent: A Connection error occurred sending JSON notification "
        "to 127.0.0.1.",
    ]
    assert TOKEN not in out
    (message,) = smtp.to(EDITOR)
    assert message["Subject"] == "[gfmd.org] pledgewatch test message" and message["Message-ID"]
    assert receiver.posts[0].body["title"] == "[gfmd.org] pledgewatch test message"
    assert not (tmp_path / "outbox").exists()  # a test message never waits to be retried


def test_notify_test_to_one_recipient_by_address_or_channel_name(tmp_path, smtp, receiver):
    config = write_config(tmp_path, smtp_port=smtp.port, channels={"desk": receiver.url()})
    assert invoke("notify", "test", "desk", "--config", str(config))[:2] == \
        (0, "desk (json://***): sent\n")
    assert invoke("notify", "test", EDITOR.upper(), "--config", str(config))[:2] == \
        (0, f"{EDITOR}: sent\n")
    assert len(receiver.posts) == 1 and len(smtp.received) == 1


def test_notify_test_to_an_unknown_recipient_exits_2_in_one_line(tmp_path, receiver):
    config = write_config(tmp_path, smtp_port=None, channels={"desk": receiver.url()})
    code, out, err = invoke("notify", "test", "nobody", "--config", str(config))
    assert code == 2 and out == ""
    assert err == "error: 'nobody' is no configured recipient or channel; configured: desk\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pledgewatch.toml"]


def test_outbox_list_shows_what_waits_masked_and_flush_sends_it_once(tmp_path):
    port = free_port()
    url = WebhookSink(port).url()
    config = write_config(tmp_path, smtp_port=None, channels={"desk": url})
    queue_notes(sample_changes(), [Channel("desk", url)], tmp_path / "outbox")
    code, out, _ = invoke("outbox", "flush", "--config", str(config))
    assert code == 1 and out.startswith("0 sent, 1 NOT sent (kept in the outbox)\n")
    code, out, _ = invoke("outbox", "list", "--config", str(config))
    assert code == 0 and TOKEN not in out
    assert out.splitlines()[0] == f"1 waiting in {tmp_path / 'outbox'}:"
    assert "to desk (json://***)  attempts 1; last error: A Connection error" in out
    with WebhookSink(port) as receiver:
        code, out, _ = invoke("outbox", "flush", "--config", str(config))
        assert (code, out.splitlines()[0]) == (0, "1 sent, 0 NOT sent (kept in the outbox)")
        assert invoke("outbox", "flush", "--config", str(config))[1].startswith("0 sent, 0 NOT")
    assert len(receiver.posts) == 1
    assert invoke("outbox", "list", "--config", str(config))[1] == \
        f"nothing waiting in {tmp_path / 'outbox'}\n"


def test_outbox_flush_deletes_old_sent_messages_and_report_folders(tmp_path, receiver):
    config = write_config(tmp_path, smtp_port=None, channels={"desk": receiver.url()})
    week_ago = time.time() - 8 * 86400
    old_sent = tmp_path / "outbox" / "sent" / "run-1-2--0123456789abcdef.json"
    old_sent.parent.mkdir(parents=True)
    old_sent.write_text("{}")
    old_report, new_report = tmp_path / "reports" / "run-1-abc", tmp_path / "reports" / "run-2-abc"
    for path in (old_report, new_report):
        path.mkdir(parents=True)
    for path in (old_sent, old_report):
        os.utime(path, (week_ago, week_ago))
    code, out, _ = invoke("outbox", "flush", "--config", str(config))
    assert code == 0
    assert out.splitlines()[-1] == "1 old report folder(s) and 1 old sent message(s) deleted"
    assert not old_sent.exists() and not old_report.exists() and new_report.exists()


def test_outbox_flush_without_any_delivery_configured_exits_2(tmp_path):
    config = write_config(tmp_path, smtp_port=None, channels={})
    code, _, err = invoke("outbox", "flush", "--config", str(config))
    assert code == 2 and err.startswith("error: nothing can be sent: delivery is off (")
    assert not (tmp_path / "outbox").exists()


@pytest.mark.parametrize("command", [("notify", "test"), ("outbox", "list"), ("outbox", "flush")])
def test_every_delivery_command_has_help(command):
    code, out, _ = invoke(*command, "--help")
    assert code == 0 and "Usage:" in out and "--config" in out
