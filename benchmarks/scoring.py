"""The article-extraction-benchmark metric (Zyte/ScrapingHub), written from its description.

Tokens are runs of word characters, case kept; each text is the multiset of its
4-token shingles (a text of 1 to 3 tokens is one shorter shingle). Per document,
precision and recall come from the shingle overlap; corpus precision is the mean
over documents with a non-empty prediction, corpus recall the mean over documents
with a non-empty truth, F1 their harmonic mean. Accuracy is the share of documents
whose whole token sequence equals the truth's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

WORD = re.compile(r"\w+")
SHINGLE_SIZE = 4


def shingles(tokens: list[str]) -> Counter:
    if len(tokens) <= SHINGLE_SIZE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i:i + SHINGLE_SIZE]) for i in range(len(tokens) - SHINGLE_SIZE + 1))


@dataclass(frozen=True)
class DocumentScore:
    true_positives: int
    false_positives: int
    false_negatives: int
    exact: bool

    def share_of(self, total: int) -> float:
        """True positives over ``total``; a document with nothing to gain or lose scores 1."""
        if not self.false_positives and not self.false_negatives:
            return 1.0
        return self.true_positives / total if total else 0.0

    @property
    def precision(self) -> float:
        return self.share_of(self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return self.share_of(self.true_positives + self.false_negatives)


def score_document(truth: str, prediction: str) -> DocumentScore:
    true_tokens, predicted_tokens = WORD.findall(truth or ""), WORD.findall(prediction or "")
    true_bag, predicted_bag = shingles(true_tokens), shingles(predicted_tokens)
    overlap = sum((true_bag & predicted_bag).values())
    return DocumentScore(overlap, sum(predicted_bag.values()) - overlap, sum(true_bag.values()) - overlap,
                         true_tokens == predicted_tokens)


@dataclass(frozen=True)
class CorpusScore:
    precision: float
    recall: float
    f1: float
    accuracy: float
    empty_predictions: int


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score_corpus(truths: Mapping[str, str], predictions: Mapping[str, str]) -> CorpusScore:
    """Scores of ``predictions`` (id -> body; a missing id is an empty body) against ``truths``."""
    scores = [score_document(truths[key], predictions.get(key, "")) for key in sorted(truths)]
    precision = mean([s.precision for s in scores if s.true_positives + s.false_positives])
    recall = mean([s.recall for s in scores if s.true_positives + s.false_negatives])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CorpusScore(precision, recall, f1, mean([float(s.exact) for s in scores]),
                       sum(1 for s in scores if not s.true_positives + s.false_positives))
