"""Bytes to text, and html-or-text detection; refuse what is not a readable page."""

from __future__ import annotations

import codecs
import re

from pledgewatch.core.errors import UnreadableInput
from pledgewatch.scraper.parsing.limits import MAX_BODY_BYTES

_HTML_TAG = re.compile(
    r"<(?:!doctype|html|head|body|div|p|span|a|h[1-6]|ul|ol|li|meta|link|table|br|section|article)\b",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The same characters as bytes: in UTF-8 each is one byte that no other character contains.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
MAX_CONTROL_SHARE = 0.01  # a few stray control characters happen; more means binary


def to_text(body: bytes | str) -> str:
    """Decode a page: UTF-8 (the site's charset), a declared charset, then cp1252.

    Raises :class:`UnreadableInput` for empty, oversized, binary or undecodable input.
    """
    return to_text_and_utf8(body)[0]


def to_text_and_utf8(body: bytes | str) -> tuple[str, bytes | None]:
    """:func:`to_text`, with the text's UTF-8 encoding when it is at hand anyway (the page was
    UTF-8, or the text was encoded to check it), else None: the HTML parser reads bytes, and
    a page is otherwise encoded three times over."""
    if isinstance(body, str):
        text = body
        if len(text) > MAX_BODY_BYTES:
            raise UnreadableInput(f"page is larger than {MAX_BODY_BYTES // 2**20} MB")
        try:
            utf8: bytes | None = text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise UnreadableInput(f"page text has invalid characters: {error.reason}") from None
    else:
        if len(body) > MAX_BODY_BYTES:
            raise UnreadableInput(f"page is larger than {MAX_BODY_BYTES // 2**20} MB")
        text, utf8 = _decode_bytes(body)
    _check_text(text, utf8)
    if "\r" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n"), None
    return text, utf8


def _decode_bytes(body: bytes) -> tuple[str, bytes | None]:
    """The text, and ``body`` itself (BOM removed) when that is the text's UTF-8 encoding."""
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return body.decode("utf-16"), None
        except UnicodeDecodeError:
            raise UnreadableInput("page claims UTF-16 but does not decode") from None
    if b"\x00" in body:
        raise UnreadableInput("page contains NUL bytes: binary data, not a saved page")
    for encoding in _candidate_encodings(body):
        try:
            text = body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if encoding == "utf-8-sig":
            return text, body[len(codecs.BOM_UTF8):] if body.startswith(codecs.BOM_UTF8) else body
        return text, None
    raise UnreadableInput("page is not text in UTF-8, its declared charset or Windows-1252")


def _candidate_encodings(body: bytes) -> list[str]:
    declared = _META_CHARSET.search(body[:4096])
    encodings = ["utf-8-sig"]
    if declared:
        encodings.append(declared.group(1).decode("ascii").lower())
    encodings.append("cp1252")
    return encodings


def _check_text(text: str, utf8: bytes | None = None) -> None:
    if not text or text.isspace():
        raise UnreadableInput("page is empty")
    encoded = utf8 if utf8 is not None else text.encode("utf-8", "surrogatepass")
    controls = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))  # = len(_CONTROL.findall(text))
    if controls > max(2, len(text) * MAX_CONTROL_SHARE):
        raise UnreadableInput(
            f"page has {controls} control characters: binary data, not a saved page"
        )


def detect_format(text: str) -> str:
    """``"html"`` when markup appears near the start, else ``"text"`` (a visible-text snapshot)."""
    return "html" if _HTML_TAG.search(text[:8192]) else "text"
