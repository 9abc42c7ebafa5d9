"""The ``[notify]``, ``[outbox]`` and ``report.keep_runs`` keys: channels with filters, tokens kept out of sight."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgewatch.config_resolve import load_config
from pledgewatch.core.errors import ConfigError
from pledgewatch.mailing import mail_settings

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#editors"


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pledgewatch.toml"
    path.write_text(text)
    return path


def test_channels_come_with_names_filters_and_urls_from_the_file_or_the_environment(tmp_path):
    path = config_file(tmp_path, f'''
[[notify.channels]]
name = "desk"
url_env = "DESK_WEBHOOK"
vocabularies = ["GCM"]
[[notify.channels]]
url = "{SLACK}"
''')
    config = load_config(path, {"DESK_WEBHOOK": "json://127.0.0.1:9/hook/t0ken"})
    desk, second = mail_settings(config).channels
    assert (desk.name, desk.url, desk.vocabularies) == ("desk", "json://127.0.0.1:9/hook/t0ken",
                                                        ("GCM",))
    assert (second.name, second.label) == ("channel-2", "channel-2 (slack://***)")
    assert "t0ken" not in repr(config) and "TIiajkdnlazkcOXrIdevi7FQ" not in repr(config)


def test_channels_can_be_listed_in_the_environment():
    config = load_config(None, {"PLEDGEWATCH_NOTIFY_CHANNELS": "json://127.0.0.1:9/a,json://127.0.0.1:9/b"})
    assert [c.url for c in config.notify.channels] == ["json://127.0.0.1:9/a", "json://127.0.0.1:9/b"]
    assert mail_settings(config).enabled


def test_retention_defaults_and_overrides(tmp_path):
    assert (load_config().report.keep_runs, load_config().outbox.keep_sent_days) == (365, 90)
    path = config_file(tmp_path, "[report]\nkeep_runs = 3\n[outbox]\nkeep_sent_days = 0\n")
    config = load_config(path)
    assert (config.report.keep_runs, config.outbox.keep_sent_days) == (3, 0)


@pytest.mark.parametrize(("text", "env", "message"), [
    ('[[notify.channels]]\nurl = "nosuchservice://s3cret"\n', {},
     "notify.channels[0]: nosuchservice://*** is not a notification URL Apprise knows"),
    ('[[notify.channels]]\nname = "x"\n', {}, "notify.channels[0]: needs url"),
    ('[[notify.channels]]\nurl_env = "MISSING_URL"\n', {},
     "notify.channels[0].url_env: the environment variable MISSING_URL is not set"),
    ('[[notify.channels]]\nname = "a"\nurl = "json://127.0.0.1:9/s3cret"\n'
     '[[notify.channels]]\nname = "a"\nurl = "json://127.0.0.1:9/s3cret2"\n', {},
     "notify.channels[0].name: 'a' names another channel too"),
    ('[[notify.channels]]\nurl = "json://127.0.0.1/x"\ntoken = "s3cret"\n', {},
     "notify.channels[0].token: unknown key"),
    ("[report]\nkeep_runs = -1\n", {}, "report.keep_runs: must be 0 (keep all) or more"),
    ("[outbox]\nkeep_sent_days = -2\n", {}, "outbox.keep_sent_days: must be 0 (keep all) or more"),
], ids=["unknown-service", "no-url", "missing-variable", "duplicate-name", "unknown-key",
        "negative-keep-runs", "negative-keep-days"])
def test_bad_notify_and_retention_values_are_refused_naming_the_key_not_the_token(
        tmp_path, text, env, message):
    with pytest.raises(ConfigError) as raised:
        load_config(config_file(tmp_path, text), env)
    assert str(raised.value).startswith(message)
    assert "s3cret" not in str(raised.value)
