"""Word-level text diffs for edited pledge fields.

diff-match-patch diffs characters; on prose that gives "character soup"
(``Mi[-gra-]{+ssi+}on``). Like its line-mode trick, we first map every word,
whitespace run and punctuation mark to one private character, diff those
strings, apply semantic cleanup, and map back. Every edit therefore starts and
ends on a token boundary and reads like an editor's markup.

>>> word_diff("Safe and regular migration", "Safe, orderly and regular migration")
[(0, 'Safe'), (1, ', orderly'), (0, ' and regular migration')]
"""

from __future__ import annotations

import re

from diff_match_patch import diff_match_patch

DELETE, EQUAL, INSERT = -1, 0, 1
DiffOp = tuple[int, str]

# A word keeps inner apostrophes and hyphens ("don’t", "IOM-UNDP") so they change as one.
_TOKEN = re.compile(r"\w+(?:['’\-]\w+)*|\s+|[^\w\s]")
# Token codes start past ASCII so no code looks like whitespace to the semantic cleanup,
# and skip the surrogate block, which cannot stand alone in text.
_FIRST_CODE = 0x100
_SURROGATES = range(0xD800, 0xE000)
# Longer inputs are cut before diffing; reports show bounded text anyway.
MAX_DIFF_CHARS = 20_000


def word_diff(old: str, new: str, *, timeout: float = 1.0) -> list[DiffOp]:
    """Diff two texts word by word; returns ``(op, text)`` pairs, op in -1/0/1."""
    old, new = old[:MAX_DIFF_CHARS], new[:MAX_DIFF_CHARS]
    vocabulary: dict[str, str] = {}
    tokens: list[str] = []
    old_codes = _encode(old, vocabulary, tokens)
    new_codes = _encode(new, vocabulary, tokens)
    engine = diff_match_patch()
    engine.Diff_Timeout = timeout
    coded = engine.diff_main(old_codes, new_codes, False)
    engine.diff_cleanupSemantic(coded)
    return _merge([(op, _decode(codes, tokens)) for op, codes in coded])


def old_text(ops: list[DiffOp]) -> str:
    """The text before the edit, rebuilt from a diff."""
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: list[DiffOp]) -> str:
    """The text after the edit, rebuilt from a diff."""
    return "".join(text for op, text in ops if op != DELETE)


def diff_as_text(ops: list[DiffOp] | tuple[DiffOp, ...]) -> str:
    """A diff in wdiff notation, readable in any mail client or terminal: ``[-old-]{+new+}``.

    >>> diff_as_text(word_diff("for some", "for all"))
    'for [-some-]{+all+}'
    """
    marks = {DELETE: ("[-", "-]"), INSERT: ("{+", "+}")}
    return "".join(f"{marks[op][0]}{text}{marks[op][1]}" if op in marks else text for op, text in ops)


def _encode(text: str, vocabulary: dict[str, str], tokens: list[str]) -> str:
    """One character per token; ``vocabulary`` and ``tokens`` are shared by both texts."""
    codes = []
    for token in _TOKEN.findall(text):
        code = vocabulary.get(token)
        if code is None:
            code = vocabulary[token] = chr(_code_point(len(tokens)))
            tokens.append(token)
        codes.append(code)
    return "".join(codes)


def _code_point(index: int) -> int:
    point = _FIRST_CODE + index
    return point + len(_SURROGATES) if point >= _SURROGATES.start else point


def _decode(codes: str, tokens: list[str]) -> str:
    return "".join(tokens[_index(ord(code))] for code in codes)


def _index(point: int) -> int:
    if point >= _SURROGATES.stop:
        point -= len(_SURROGATES)
    return point - _FIRST_CODE


def _merge(ops: list[DiffOp]) -> list[DiffOp]:
    """Join neighbours with the same op and drop empty ones.

    Not ``diff_cleanupMerge``: on decoded text it would factor out common
    character prefixes and split words again.
    """
    merged: list[DiffOp] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged
