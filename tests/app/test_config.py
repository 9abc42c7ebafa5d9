"""Configuration: defaults that need no file, one TOML file, env overrides, refusals that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgewatch.config import Config, RecipientConfig
from pledgewatch.config_resolve import load_config
from pledgewatch.core.errors import ConfigError

EXAMPLE = Path(__file__).parents[2] / "pledgewatch.example.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pledgewatch.toml"
    path.write_text(text)
    return path


def test_no_file_and_no_environment_gives_working_defaults() -> None:
    config = load_config()
    assert config == Config()
    assert config.database.url == "sqlite:///var/pledgewatch.db"
    assert config.crawl.replay is None
    assert not config.mail.enabled


def test_the_commented_example_file_loads_to_exactly_the_defaults(tmp_path: Path) -> None:
    """Both anchor the relative defaults to the file's folder; nothing else differs."""
    (tmp_path / "example.toml").write_text(EXAMPLE.read_text())
    (tmp_path / "empty.toml").write_text("")
    assert load_config(tmp_path / "example.toml") == load_config(tmp_path / "empty.toml")
    assert load_config(tmp_path / "empty.toml").database.url == f"sqlite:///{tmp_path}/var/pledgewatch.db"


def test_the_example_file_shows_every_key() -> None:
    lines = [line.lstrip("# ") for line in EXAMPLE.read_text().splitlines()]
    config = Config()
    for section in config.__dataclass_fields__:
        assert f"[{section}]" in lines
        for key in getattr(config, section).__dataclass_fields__:
            shown = any(line.startswith(f"{key} =") for line in lines)
            assert shown or f"[[{section}.{key}]]" in lines, f"{section}.{key}"


def test_file_values_are_typed(tmp_path: Path) -> None:
    path = write(tmp_path, """
[crawl]
replay = "fixtures/sites/small/after"
start_urls = ["https://gfmd.org/sdg/goal-10"]
[mail]
smtp_host = "127.0.0.1"
smtp_port = 2525
timeout_seconds = 5
[[mail.recipients]]
address = "desk@example.org"
vocabularies = ["contributors"]
""")
    config = load_config(path)
    assert config.crawl.replay == tmp_path / "fixtures/sites/small/after"  # the file's folder
    assert config.crawl.start_urls == ("https://gfmd.org/sdg/goal-10",)
    assert config.mail.smtp_port == 2525
    assert config.mail.timeout_seconds == 5.0
    assert config.mail.recipients == (RecipientConfig("desk@example.org", ("contributors",)),)
    assert config.mail.enabled


def test_environment_overrides_the_file_and_flags_override_both(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///from-file.db"\n[mail]\nsmtp_port = 25\n')
    env = {"PLEDGEWATCH_DB": "sqlite:///from-env.db", "PLEDGEWATCH_MAIL_SMTP_PORT": "587"}
    assert load_config(path, env).database.url == "sqlite:///from-env.db"
    assert load_config(path, env).mail.smtp_port == 587
    flags = {"database.url": "sqlite:///from-flag.db", "crawl.replay": None}
    config = load_config(path, env, flags)
    assert config.database.url == "sqlite:///from-flag.db"
    assert config.crawl.replay is None  # an unset flag falls through


def test_environment_lists_are_comma_separated() -> None:
    env = {"PLEDGEWATCH_MAIL_RECIPIENTS": "a@example.org, b@example.org",
           "PLEDGEWATCH_CRAWL_KEEP_FILES": "yes"}
    config = load_config(None, env)
    assert [r.address for r in config.mail.recipients] == ["a@example.org", "b@example.org"]
    assert config.crawl.keep_files is True


def test_smtp_password_comes_from_the_environment_and_is_never_printed() -> None:
    config = load_config(None, {"PLEDGEWATCH_SMTP_PASSWORD": "s3cret"})
    assert config.mail.smtp_password == "s3cret"
    assert "s3cret" not in repr(config)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[mail]\nsmtp_password = "x"\n', "mail.smtp_password"),
        ('[mail]\nsmtp_port = "25"\n', "mail.smtp_port"),
        ('[mail]\nsmtp_port = 70000\n', "mail.smtp_port"),
        ('[mail]\nsecurity = "smtps"\n', "mail.security"),
        ('[crawl]\nreplai = "x"\n', "crawl.replai"),
        ('[crawl]\nstart_urls = "https://gfmd.org/x"\n', "crawl.start_urls"),
        ('[crawler]\nreplay = "x"\n', "crawler"),
        ('[schedule]\ncron = "every day"\n', "schedule.cron"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "schedule.timezone"),
        ('[changes]\nmax_removal_share = 0\n', "max_removal_share"),
        ('[crawl]\ndiscover = 1\n', "crawl.discover"),
        ('[crawl]\nplan = "some"\n', "crawl.plan"),
        ('[crawl]\nfull_every_days = 0\n', "crawl.full_every_days"),
        ('[records]\nmax_age_days = 0\n', "records.max_age_days"),
        ('[records]\nmax_age = 3\n', "records.max_age"),
        ('[[mail.recipients]]\nvocabularies = ["sdg"]\n', "mail.recipients[0].address"),
        ('[lock]\nheartbeat_seconds = 600\n', "lock.stale_after_seconds"),
        ('[publish]\nbase_url = "javascript:alert(1)"\n', "publish.base_url"),
        ('[publish]\nenabled = "yes"\n', "publish.enabled"),
        ("[mail\n", "not valid TOML"),
    ],
    ids=lambda v: v if "\n" not in v else v.split("\n")[0],
)
def test_invalid_files_are_refused_naming_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        load_config(write(tmp_path, text))


def test_an_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"did you mean crawl\.replay"):
        load_config(write(tmp_path, '[crawl]\nreplai = "x"\n'))


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PLEDGEWATCH_MAIL_SMTP_PORT": "twenty-five"}, "mail.smtp_port"),
        ({"PLEDGEWATCH_CRAWL_DISCOVER": "maybe"}, "crawl.discover"),
        ({"PLEDGEWATCH_SCHEDULE_CRON": "61 * * * *"}, "schedule.cron"),
    ],
)
def test_invalid_environment_values_are_refused_naming_the_key(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_config(None, env)
