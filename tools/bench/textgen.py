"""Synthetic pledge text: titles, summaries, real edits and whitespace-only noise.

The benchmark needs text that looks like the site's teasers (several paragraphs,
single newlines inside a paragraph, Unicode punctuation) and two kinds of change
whose difference is exact: a *real* edit, which changes the words, and *noise*,
which only changes whitespace the way archived copies of the site do (trailing
spaces, a whitespace-only paragraph, three newlines instead of two, ``\\n``
instead of ``\\n\\n`` between paragraphs, a leading space, a doubled space).
The ground truth relies on :func:`folded` to prove which is which.
"""

from __future__ import annotations

import random
import re

_WORDS = (
    "migrants", "refugees", "city", "municipality", "partnership", "local", "action",
    "inclusion", "health", "education", "housing", "employment", "diaspora", "remittances",
    "integration", "services", "programme", "support", "community", "access", "dignity",
    "rights", "protection", "training", "skills", "youth", "women", "children", "language",
    "cooperation", "governance", "data", "evidence", "recovery", "climate", "resilience",
    "mobility", "return", "reintegration", "entrepreneurship", "network", "dialogue",
    "awareness", "campaign", "platform", "council", "strategy", "plan", "regional", "national",
    "global", "sustainable", "development", "decent", "work", "recruitment", "documentation",
    "identity", "pathways", "regular", "safe", "orderly", "discrimination", "xenophobia",
    "cohesion", "participation", "volunteers", "centre", "office", "information", "counselling",
    "legal", "aid", "shelter", "mentoring", "digital", "finance", "inclusive", "innovation",
    "pilot", "project", "initiative", "phase", "results",
)
_CITIES = (
    "Zürich", "São Paulo", "Montréal", "Salt Lake City", "San José", "Sfax", "Tlaxcala",
    "Quezon City", "Bristol", "Kampala", "Mexico City", "Freetown", "Lisbon", "Ghent",
    "Amman", "Dakar", "Bogotá", "Milan", "Accra", "Durban", "Gaziantep", "Santo Domingo",
)
_TITLE_HEADS = (
    "Welcoming", "Inclusive", "Call to Local Action:", "Making Migration Work for",
    "Language Services for", "Simulation Exercise on", "Programme for", "Network of",
)
_SPACE_RUN = re.compile(r"\s+")


def folded(text: str) -> str:
    """Text as a whitespace-blind reader compares it: every whitespace run is one space."""
    return _SPACE_RUN.sub(" ", text).strip()


def _sentence(rng: random.Random, lo: int = 8, hi: int = 18) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        words.insert(rng.randrange(1, len(words)), rng.choice(_CITIES))
    end = "." if rng.random() < 0.9 else ":"
    return " ".join(words) + end


def title(rng: random.Random) -> str:
    """A title like the site's: a heading, a topic, often a city, sometimes years."""
    parts = [rng.choice(_TITLE_HEADS), rng.choice(_WORDS).capitalize(), rng.choice(_WORDS)]
    if rng.random() < 0.6:
        parts.append(f"in {rng.choice(_CITIES)}")
    if rng.random() < 0.3:
        start = rng.randint(2015, 2023)
        parts.append(f"{start}–{start + rng.randint(1, 3)}")
    return " ".join(parts)


def summary(rng: random.Random) -> str:
    """1–3 paragraphs of 2–4 sentences; some paragraphs keep a single inner newline."""
    paragraphs = []
    for _ in range(rng.choice((1, 2, 2, 3))):
        sentences = [_sentence(rng) for _ in range(rng.randint(2, 4))]
        joiner = "\n" if rng.random() < 0.2 else " "
        paragraphs.append(joiner.join(sentences))
    return "\n\n".join(paragraphs)


def edit_summary(rng: random.Random, text: str) -> str:
    """A real edit: a sentence added, replaced or reworded, never whitespace only."""
    paragraphs = text.split("\n\n")
    i = rng.randrange(len(paragraphs))
    choice = rng.random()
    if choice < 0.4:
        paragraphs[i] = paragraphs[i] + " " + _sentence(rng)
    elif choice < 0.7:
        paragraphs.append(_sentence(rng))
    else:
        words = paragraphs[i].split(" ")
        j = rng.randrange(len(words))
        words[j] = words[j] + " " + rng.choice(("updated", "revised", "extended", "2025"))
        paragraphs[i] = " ".join(words)
    edited = "\n\n".join(paragraphs)
    assert folded(edited) != folded(text)
    return edited


def edit_title(rng: random.Random, text: str) -> str:
    """A real title edit: a suffix or a changed year, as editors do on the site."""
    edited = text + rng.choice((" (updated)", " – Phase II", " 2024–2026", " Podcast"))
    assert folded(edited) != folded(text)
    return edited


def _noise_once(rng: random.Random, text: str) -> str:
    paragraphs = text.split("\n\n")
    kind = rng.randrange(6)
    if kind == 0 and len(paragraphs) > 1:  # whitespace-only paragraph between two
        i = rng.randrange(1, len(paragraphs))
        return "\n\n".join([*paragraphs[:i], " ", *paragraphs[i:]])
    if kind == 1 and len(paragraphs) > 1:  # \n instead of \n\n, or three newlines
        return text.replace("\n\n", rng.choice(("\n", "\n\n\n")), 1)
    if kind == 2:  # trailing spaces at a paragraph end
        i = rng.randrange(len(paragraphs))
        paragraphs[i] += "  "
        return "\n\n".join(paragraphs)
    if kind == 3:
        return " " + text
    if kind == 4 and " " in text:  # one space doubled
        spaces = [m.start() for m in re.finditer(" ", text)]
        at = rng.choice(spaces)
        return text[:at] + "  " + text[at + 1:]
    return text + " \n"


def whitespace_noise(rng: random.Random, text: str) -> str:
    """The same words with different whitespace; guaranteed to differ from ``text``."""
    noisy = text
    while noisy == text:
        noisy = _noise_once(rng, text)
    assert folded(noisy) == folded(text)
    return noisy
