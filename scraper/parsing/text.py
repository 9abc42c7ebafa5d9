"""Text front-end: a visible-text snapshot of a listing page (like the seeds) to a :class:`Listing`.

Text has no markup, so teaser boundaries come from the bylines: the block before
"Submitted by X on" is the title, an author line after a body closes its teaser, and the block
after it opens the next one. Variants handled (site.md §3): byline after the body, missing
byline, missing title, truncated names, whitespace noise and the one-teaser short format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pledgewatch.scraper.parsing.limits import (
    MAX_AUTHOR_CHARS,
    MAX_SUMMARY_CHARS,
    MAX_TEASERS,
    MAX_TITLE_CHARS,
    cap,
)
from pledgewatch.scraper.parsing.model import EMPTY_TERM_TEXT, Listing, Teaser, empty_term_error
from pledgewatch.scraper.parsing.text_blocks import Block, mark_names, split_blocks, strip_footer
from pledgewatch.scraper.parsing.text_utils import clean_line, is_truncated_name, join_paragraphs
from pledgewatch.scraper.terms import canonical_url, page_number, tid_of, with_page

MAX_TITLE_GUESS = 300  # longest title seen: 219 characters
_SENTENCE_END = (".", ":", ";", ",", "!", "?")
_LIST_MARK = re.compile(r"^[-•*–]\s")


@dataclass(slots=True)
class _Span:
    """Where one teaser sits among the blocks."""

    start: int
    title: int | None = None
    byline: int | None = None
    name: int | None = None

    @property
    def body_start(self) -> int:
        marks = [i for i in (self.title, self.byline) if i is not None]
        return max(marks) + 1 if marks else self.start


def parse_text(text: str, url: str | None) -> Listing:
    lines, term = strip_footer(text.split("\n"))
    empty_term = any(clean_line(line) == EMPTY_TERM_TEXT for line in lines)
    lines = [line for line in lines if clean_line(line) != EMPTY_TERM_TEXT]
    blocks = mark_names(split_blocks(lines))
    teasers = [_teaser(blocks, span, end) for span, end in _spans_with_ends(blocks)]
    teasers = [t for t in teasers if t.title or t.summary or t.author][:MAX_TEASERS]
    page = page_number(url) if url else None
    late_empty = bool(empty_term and not teasers and page)
    return Listing(
        format="text",
        url=canonical_url(url) if url else None,
        term=cap(term, MAX_TITLE_CHARS),
        term_url=with_page(url, 0) if url else None,
        tid=tid_of(url) if url else None,
        page=page,
        last_page=None,  # a text snapshot has no pager
        next_url=None,
        empty_term=empty_term and not teasers and not late_empty,
        teasers=teasers,
        error=empty_term_error(page) if late_empty and page else None,
    )


def _title_before_byline(block: Block) -> bool:
    """The usual case: the line right above "Submitted by" is the title."""
    line = block.single
    return (
        line is not None
        and len(line) <= MAX_TITLE_GUESS
        and not line.endswith((".", ":", ";", ",", "!"))
    )


def _title_like(block: Block) -> bool:
    """A title by its shape alone, for teasers with no byline above the body."""
    line = block.single
    return (
        block.kind == "other"
        and line is not None
        and len(line) <= MAX_TITLE_GUESS
        and not line.endswith(_SENTENCE_END)
        and not _LIST_MARK.match(line)
    )


def _find_spans(blocks: list[Block]) -> list[_Span]:
    spans: dict[int, _Span] = {}
    for i, block in enumerate(blocks):
        if block.kind != "byline":
            continue
        before = blocks[i - 1] if i > 0 else None
        after_byline = i > 1 and blocks[i - 2].kind == "byline"  # then i-1 is that body
        if before and before.kind == "other" and _title_before_byline(before) and not after_byline:
            spans[i - 1] = _Span(i - 1, title=i - 1, byline=i)
        else:
            spans[i] = _Span(i, byline=i)
    for j, block in enumerate(blocks):
        if block.kind == "name":
            _close_with_name(blocks, spans, j)
    _add_unmarked(blocks, spans)
    return [spans[k] for k in sorted(spans)]


def _close_with_name(blocks: list[Block], spans: dict[int, _Span], j: int) -> None:
    """An author line after a body: it ends the teaser above and the next block is a title."""
    following = j + 1
    if following < len(blocks) and blocks[following].kind == "other" and following not in spans:
        spans[following] = _Span(following, title=following)
    before = [k for k in spans if k < j]
    owner = spans[max(before)] if before else None
    if owner and owner.byline is None and owner.name is None:
        owner.name = j
        return
    low = owner.body_start + 1 if owner else 0
    titles = [k for k in range(low, j - 1) if _title_like(blocks[k])]
    if titles:
        spans[titles[-1]] = _Span(titles[-1], title=titles[-1], name=j)


def _add_unmarked(blocks: list[Block], spans: dict[int, _Span]) -> None:
    """Teasers no byline marks: the short format, a page start, or a cut-off page end."""
    if not blocks:
        return
    if not spans:
        has_body = len(blocks) > 1 or len(blocks[0].lines) > 1
        if has_body and _short_format(blocks[0].lines, [])[0] is not None:
            spans[0] = _Span(0, title=0 if blocks[0].single else None)
        return
    first = min(spans)
    if first > 1 and _title_like(blocks[0]):
        spans[0] = _Span(0, title=0)
    last = spans[max(spans)]
    if last.name is None:
        for k in range(last.body_start + 1, len(blocks)):
            ends_page = k + 2 >= len(blocks)  # the next block, if any, is the (cut) last one
            if _title_like(blocks[k]) and (ends_page or not _title_like(blocks[k + 1])):
                spans[k] = _Span(k, title=k)
                break


def _spans_with_ends(blocks: list[Block]) -> list[tuple[_Span, int]]:
    spans = _find_spans(blocks)
    ends = [s.start for s in spans[1:]] + [len(blocks)]
    return list(zip(spans, ends, strict=False))


def _teaser(blocks: list[Block], span: _Span, end: int) -> Teaser:
    title = clean_line(blocks[span.title].lines[0]) if span.title is not None else None
    body = [blocks[k].lines for k in range(span.body_start, end) if k != span.name]
    if span.title is None and span.byline is None and blocks[span.start].lines:
        title, body = _short_format(blocks[span.start].lines, body)
    author_block = span.byline if span.byline is not None else span.name
    author = blocks[author_block].author if author_block is not None else None
    return Teaser(
        url=None,
        title=cap(title, MAX_TITLE_CHARS) or None,
        author=cap(author, MAX_AUTHOR_CHARS),
        author_position=None if author is None else ("before" if span.byline is not None else "after"),
        author_truncated=bool(author and is_truncated_name(author)),
        submitted=None,
        summary=cap(join_paragraphs(body).strip(" \t\n"), MAX_SUMMARY_CHARS) or "",
    )


def _short_format(first: list[str], body: list[list[str]]) -> tuple[str | None, list[list[str]]]:
    """``<Title>\\n<body>`` with no blank line: the first line of the first block is the title."""
    line = clean_line(first[0])
    if len(line) > MAX_TITLE_GUESS or line.endswith(_SENTENCE_END):
        return None, body
    rest = body[1:] if body and body[0] is first else body
    return line, ([first[1:]] if len(first) > 1 else []) + rest
