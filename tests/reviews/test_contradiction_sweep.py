"""The full sweep finds exactly what scoring every candidate pair one by one finds.

The reference in these tests is the sweep as it was before it was made fast (one process, every
claim's candidates scored with ``pair_score``, each unordered pair once, the score kept): the
pairs compared, the contradictions and their scores and cues must be the same.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from ledger.extraction import claims_extract
from ledger.models import Event
from ledger.services import claim_record
from reviews.contradictions import sweep
from reviews.contradictions.candidates import MemoryIndex, blocking_keys
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.scoring import PairScore, pair_score

ROOT = Path(__file__).resolve().parents[2]
# The pair sets that travel with the repository (so a fresh clone runs this without skipping).
PAIR_SETS = sorted((ROOT / "tests" / "data").glob("*/*.jsonl"))


def seed_article_claims() -> list[str]:
    text = (ROOT / "fixtures" / "iran-palestine-article.txt").read_text(encoding="utf-8")
    return [claim.text for claim in claims_extract(text).claims]


def realistic_corpus() -> dict[str, str]:
    """Claim id -> text: the seed article's claims and every distinct text of the pair sets."""
    texts = seed_article_claims()
    for path in PAIR_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            texts.extend([item["a"], item["b"]])
    distinct = list(dict.fromkeys(text.strip() for text in texts if text.strip()))
    return {f"c{number:05d}": text for number, text in enumerate(distinct)}


def reference_sweep(
    index: MemoryIndex, features: dict[str, ClaimFeatures]
) -> tuple[int, dict[tuple[str, str], PairScore]]:
    """Every claim's candidates scored one by one, each unordered pair once."""
    compared = 0
    found = {}
    for claim_id in sorted(features):
        for other in index.candidates(claim_id):
            if other <= claim_id or other not in features:
                continue
            compared += 1
            score = pair_score(features[claim_id], features[other])
            if score.contradiction:
                found[(claim_id, other)] = score
    return compared, found


def indexed(features: dict[str, ClaimFeatures]) -> MemoryIndex:
    index = MemoryIndex()
    for claim_id, claim_features in features.items():
        index.add(claim_id, blocking_keys(claim_features))
    return index


@pytest.mark.slow
def test_the_sweep_finds_what_scoring_every_candidate_pair_finds(monkeypatch):
    # given real news claims (the seed article and the in-repo pair sets' texts), their features
    # extracted by forked workers, and an index of them
    texts = realistic_corpus()
    monkeypatch.setattr(sweep, "MIN_CLAIMS_TO_FORK", 2)  # fork even for the seed article alone
    features = sweep.features_extract_many(texts=texts, workers=2)
    assert list(features) == list(texts)
    for claim_id, text in texts.items():
        alone = features_extract(text=text)
        assert features[claim_id] == alone
        assert features[claim_id].sets == alone.sets
    index = indexed(features)
    # when swept in one process and in two, and by the reference
    compared, expected = reference_sweep(index, features)
    results = [
        sweep.contradictions_sweep_memory(index=index, features=features, workers=n) for n in (1, 2)
    ]
    # then the same pairs are compared and the same contradictions found, in order
    assert expected, "the corpus has contradictions to find"
    for result in results:
        assert result.pairs_compared == compared
        assert result.contradictions == sorted(expected)


@pytest.mark.django_db
def test_rescan_flags_with_the_scores_and_cues_of_each_pair(metadata, capsys):
    # given the seed article's claims and the seed pairs recorded in the ledger
    seed_pairs = ROOT / "tests" / "data" / "eval" / "seed_pairs.jsonl"  # copied in: no skip
    pairs = [json.loads(line) for line in seed_pairs.read_text(encoding="utf-8").splitlines()]
    texts = list(
        dict.fromkeys(
            [*seed_article_claims(), *(item[side] for item in pairs for side in ("a", "b"))]
        )
    )
    by_id = {claim_record(text=text, metadata=metadata).claim_id: text for text in texts}
    features = {claim_id: features_extract(text=text) for claim_id, text in by_id.items()}
    _, expected = reference_sweep(indexed(features), features)
    # when
    call_command("rescan_contradictions")
    # then each pair the reference finds is flagged once, with its score and cues
    flagged = {
        tuple(event.data["claims"]): (event.data["score"], event.data["cues"])
        for event in Event.objects.filter(type="ContradictionFlagged")
    }
    assert expected
    assert flagged == {
        pair: (score.score_decimal, score.explanations) for pair, score in expected.items()
    }
    assert f"{len(expected)} flagged" in capsys.readouterr().out
    # and a second rescan flags nothing again
    call_command("rescan_contradictions")
    assert Event.objects.filter(type="ContradictionFlagged").count() == len(expected)
