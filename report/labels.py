"""Words and dates as editors write them: vocabulary names instead of URL prefixes,
"6 Nov 2023" instead of ``2023-11-06T10:15:00+01:00``.

Records keep the site's machine forms (a vocabulary is its URL prefix, a date is ISO 8601);
only what a person reads goes through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pledgewatch.scraper.terms import VOCABULARY_NAMES


def vocabulary_label(slug: str | None, names: Mapping[str, str] = VOCABULARY_NAMES) -> str:
    """The vocabulary's name; a prefix the project does not know yet is shown as it is.

    >>> vocabulary_label("pfp/ppd")
    'Themes and countries'
    >>> vocabulary_label("new-vocabulary")
    'new-vocabulary'
    """
    if not slug:
        return ""
    return names.get(slug, slug)


def _parsed(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def editor_date(iso: str | None) -> str:
    """A day as editors write it, in the time zone the site printed it in.

    >>> editor_date("2023-11-06T10:15:00+01:00")
    '6 Nov 2023'
    >>> editor_date("last Tuesday")
    'last Tuesday'
    """
    moment = _parsed(iso)
    if moment is None:
        return iso or ""
    return f"{moment.day} {moment:%b %Y}"


def editor_time(iso: str | None) -> str:
    """A run's finish time: the day and the UTC clock time ("7 Dec 2026, 02:27 UTC").

    >>> editor_time("2026-12-07T03:27:00+01:00")
    '7 Dec 2026, 02:27 UTC'
    """
    moment = _parsed(iso)
    if moment is None:
        return iso or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"
