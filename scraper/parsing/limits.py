"""Bounds on scraped text, which is untrusted: a hostile or broken page must not exhaust memory."""

from __future__ import annotations

MAX_BODY_BYTES = 8 * 1024 * 1024  # a listing page is ~50 KB; anything this big is not one
MAX_TITLE_CHARS = 1_000  # longest title seen: 219
MAX_AUTHOR_CHARS = 200
MAX_SUMMARY_CHARS = 20_000  # teasers are trimmed bodies, a few hundred characters
MAX_RECORD_BODY_CHARS = 200_000  # a record's full body: a few thousand characters
MAX_FIELD_VALUES = 500  # values of one record field (a record carries ~10-20 terms)
MAX_TEASERS = 500  # Drupal shows 10 per page


def cap(text: str | None, limit: int) -> str | None:
    return None if text is None else text[:limit]
