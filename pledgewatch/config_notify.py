"""The config's ``[notify]`` and ``[outbox]`` sections: chat channels and how long sent mail stays.

A channel's URL carries its token, so it may come from an environment variable
named by ``url_env`` instead of the file, and no error message shows it
(:func:`pledgewatch.delivery.channels.mask_url`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from pledgewatch.core.errors import ConfigError


@dataclass(frozen=True, slots=True)
class OutboxConfig:
    keep_sent_days: int = 90  # sent messages older than this are deleted; 0: keep all


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """A chat or webhook channel (an Apprise URL) with the filters an e-mail recipient has."""

    url: str = field(default="", repr=False)  # carries the token: prefer url_env
    name: str = ""  # for `notify test NAME` and health.alert_to; default channel-1, ...
    url_env: str = ""  # an environment variable holding the URL, to keep it out of the file
    vocabularies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    channels: tuple[ChannelConfig, ...] = ()

    def names(self) -> list[str]:
        """Each channel's name, ``channel-N`` (1-based) when none is given."""
        return [c.name or f"channel-{i + 1}" for i, c in enumerate(self.channels)]


def with_channel_urls(notify: NotifyConfig, env: Mapping[str, str]) -> NotifyConfig:
    """Channels whose ``url_env`` is set get their URL from that variable."""
    channels = []
    for index, channel in enumerate(notify.channels):
        if channel.url_env:
            if channel.url_env not in env:
                raise ConfigError(f"notify.channels[{index}].url_env: the environment variable "
                                  f"{channel.url_env} is not set")
            channel = replace(channel, url=env[channel.url_env])
        channels.append(channel)
    return NotifyConfig(tuple(channels))


def check_channels(notify: NotifyConfig) -> None:
    """Every channel has a URL Apprise knows and a name no other channel has."""
    if not notify.channels:
        return
    from pledgewatch.delivery.channels import check_url

    names = notify.names()
    for index, channel in enumerate(notify.channels):
        key = f"notify.channels[{index}]"
        if not channel.url.strip():
            raise ConfigError(f"{key}: needs url (or url_env naming an environment variable)")
        check_url(channel.url, key)
        if names.count(names[index]) > 1:
            raise ConfigError(f"{key}.name: {names[index]!r} names another channel too")
