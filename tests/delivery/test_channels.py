"""Channel notes through the outbox, to a real webhook receiver on 127.0.0.1 (Apprise ``json://``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pledgewatch.core.errors import ConfigError
from pledgewatch.core.redact import redact
from pledgewatch.delivery.channels import Channel, check_url, mask_url
from pledgewatch.delivery.notes import flush_notes, queue_notes
from pledgewatch.delivery.outbox import everything_pending
from tests.support.sample_changes import M4SD, sample_changes
from tests.support.smtp_sink import free_port
from tests.support.webhook_sink import WebhookSink

TOKEN = "t0ken-s3cret"


@pytest.fixture
def receiver():
    with WebhookSink() as sink:
        yield sink


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def deliver(channels: list[Channel], outbox: Path, **options):
    queue_notes(sample_changes(), channels, outbox, **options)
    return flush_notes(outbox, channels, timeout=5)


def test_a_note_with_counts_titles_and_links_is_delivered_once(receiver, outbox):
    channel = Channel("ops", receiver.url())
    assert deliver([channel], outbox).ok
    assert deliver([channel], outbox).sent == ()  # queued again for the same run: a no-op
    assert flush_notes(outbox, [channel]).sent == ()
    (post,) = receiver.posts
    assert post.path == f"/hook/{TOKEN}"
    assert post.body["title"] == "gfmd.org: 1 new, 1 edited, 1 removed, 1 re-classified pledges"
    assert "- new: Welcoming San José https://gfmd.org/pfp/ppd/13001" in post.body["message"]
    assert len(list((outbox / "sent").glob("*.json"))) == 1


def test_a_receiver_that_is_down_keeps_the_note_for_the_next_flush(outbox):
    port = free_port()
    channel = Channel("ops", WebhookSink(port).url())
    first = deliver([channel], outbox)
    assert not first.ok and first.failed[0].attempts == 1
    assert "Connection error" in first.failed[0].last_error
    assert [m.attempts for m in everything_pending(outbox)] == [1]
    with WebhookSink(port) as receiver:
        assert len(flush_notes(outbox, [channel], timeout=5).sent) == 1
        assert flush_notes(outbox, [channel], timeout=5).sent == ()
    assert len(receiver.posts) == 1 and everything_pending(outbox) == []


def test_a_receiver_answering_500_keeps_the_note(receiver, outbox):
    receiver.status = 500
    result = deliver([Channel("ops", receiver.url())], outbox)
    assert not result.ok and "500" in result.failed[0].last_error
    receiver.status = 200
    assert len(flush_notes(outbox, [Channel("ops", receiver.url())], timeout=5).sent) == 1


def test_each_channel_hears_only_what_it_follows(receiver, outbox):
    channels = [Channel("all", receiver.url("all")),
                Channel("gcm", receiver.url("gcm"), vocabularies=("GCM",)),
                Channel("water", receiver.url("water"), terms=("Goal 6: Clean water",))]
    assert deliver(channels, outbox).ok
    by_path = {post.path: post.body["message"] for post in receiver.posts}
    assert set(by_path) == {"/all", "/gcm"}
    assert M4SD.title.split(" (")[0] in by_path["/gcm"]
    assert "Welcoming San José" not in by_path["/gcm"] and "Welcoming San José" in by_path["/all"]


def test_the_token_is_never_in_the_outbox_or_its_listing(outbox):
    channel = Channel("ops", WebhookSink(free_port()).url())
    deliver([channel], outbox)
    files = [p.read_text() for p in (outbox / "pending").iterdir()]
    assert files and not any(TOKEN in text for text in files)
    (waiting,) = everything_pending(outbox)
    assert waiting.recipient == "ops (json://***)" and TOKEN not in repr(channel)
    assert redact(f"failed to post to {channel.url}") == "failed to post to ***"


def test_a_note_whose_channel_left_the_config_waits_and_says_so(receiver, outbox):
    queue_notes(sample_changes(), [Channel("old", receiver.url("old"))], outbox)
    result = flush_notes(outbox, [Channel("new", receiver.url("new"))])
    assert "no configured channel matches old (json://***)" in result.failed[0].last_error
    assert receiver.posts == []


def test_a_note_is_stored_as_json_with_title_body_and_masked_label(outbox):
    (path,) = queue_notes(sample_changes(), [Channel("ops", "json://127.0.0.1:9/x")], outbox)
    note = json.loads(path.read_text())
    assert set(note) == {"channel", "label", "title", "body", "queued_at"}
    assert path.name.startswith("run-11-12--") and note["label"] == "ops (json://***)"


@pytest.mark.parametrize("url", [
    "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
    "workflows://prod-00.westus.logic.azure.com:443/a0b1c2d3e4f5/s1gnature",  # Teams
    "matrix://user:pass@matrix.example.org/#editors",
    "json://127.0.0.1:8080/hook",
], ids=["slack", "teams", "matrix", "json"])
def test_service_urls_are_accepted_by_their_parsed_config_and_shown_masked(url):
    check_url(url, "notify.channels[0]")  # parsed only: nothing is sent off this machine
    assert mask_url(url) == url.split("://")[0] + "://***"


def test_an_unknown_url_is_refused_without_showing_it():
    with pytest.raises(ConfigError) as raised:
        check_url("nosuchservice://secret-token", "notify.channels[2]")
    assert str(raised.value).startswith("notify.channels[2]: nosuchservice://*** is not")
    assert "secret-token" not in str(raised.value)
