"""Copies and stories, pure: MinHash signatures of an article's text, and the story a report belongs to.

A copy (the same wire story under another headline) has an estimated word-shingle Jaccard similarity at or
above `[dedupe] similarity` with an archived article; it points at the original with `duplicate_of`. A story
groups the reports of one event: the same lead event type with effective dates within `story_window_days`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from watcher.models import Classification

NUM_HASHES = 64
SHINGLE_WORDS = 4
SHINGLE_CHARS = 6  # for Japanese, which has no spaces between words
_PRIME = (1 << 61) - 1
_PARAMS = [(int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest(), "big") % _PRIME | 1,
            int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest(), "big") % _PRIME)
           for i in range(NUM_HASHES)]
_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

Signature = tuple[int, ...]


def shingles(text: str) -> set[str]:
    if len(_CJK.findall(text[:2000])) > 100:
        compact = re.sub(r"\s+", "", text)
        return {compact[i:i + SHINGLE_CHARS] for i in range(max(1, len(compact) - SHINGLE_CHARS + 1))}
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> Signature:
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles(text)]
    if not hashes:
        return ()
    return tuple(min((a * h + b) % _PRIME for h in hashes) for a, b in _PARAMS)


def similarity(a: Signature, b: Signature) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


@dataclass(frozen=True)
class Candidate:
    """An archived article a new one may copy."""

    id: int
    signature: Signature
    duplicate_of: int | None
    story_id: int | None


def find_original(sig: Signature, candidates: list[Candidate], threshold: float) -> Candidate | None:
    """The archived article this text copies (the original, never a copy of it), or None."""
    best, best_score = None, 0.0
    for c in candidates:
        score = similarity(sig, c.signature)
        if score >= threshold and (score > best_score or (score == best_score and best and c.id < best.id)):
            best, best_score = c, score
    if best is None:
        return None
    if best.duplicate_of is not None:
        original = next((c for c in candidates if c.id == best.duplicate_of), None)
        return original or Candidate(best.duplicate_of, best.signature, None, best.story_id)
    return best


@dataclass(frozen=True)
class StoryKey:
    id: int
    lead_type: str
    effective_date: dt.date


def find_story(classification: Classification, stories: list[StoryKey], window_days: int,
               lead_positions: int = 3) -> StoryKey | None:
    """The story this article reports: one whose lead event is among the events of the article's lead
    (title and first sentences, in order), with effective dates within the window. Recaps further down
    never join a story: a Bluebook report that recaps March's decision is not a report of that decision."""
    for event in classification.events:
        if event.position > lead_positions:
            break
        near = [s for s in stories if s.lead_type == event.type
                and abs((s.effective_date - event.effective_date).days) <= window_days]
        if near:
            return min(near, key=lambda s: (abs((s.effective_date - event.effective_date).days), s.id))
    return None
