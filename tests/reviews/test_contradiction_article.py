"""Precision inside one article: the seed article's claims checked against each other.

The pairs a desk would see are measured against ``fixtures/iran-palestine-article.pairs.json``
(hand labels, see its ``annotator_note``). A flag on a pair nobody has labelled counts as wrong,
so a detector change that flags new pairs fails here until someone labels them.
"""

import json
from pathlib import Path

import pytest

from ledger.events import Metadata
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, Event
from reviews.contradictions import services

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
ARTICLE = FIXTURES / "iran-palestine-article.txt"
LABELS = json.loads((FIXTURES / "iran-palestine-article.pairs.json").read_text(encoding="utf-8"))

# The previous detector (lexical-2) flagged 84 of the article's pairs, 4 of them right.
MAX_FLAGS = 8
MIN_PRECISION = 0.6
MIN_RECALL = 0.6
CANONICAL = (
    "The unwavering support from Tehran, rooted in ideological convergence and strategic "
    "necessity, is unlikely to diminish.",
    "Iran's allies, including Hezbollah, the Houthi movement, Hamas, and Palestinian Islamic "
    "Jihad, have been largely silent since Israel launched a series of attacks in response to "
    "recent escalations.",
)


def flagged_text_pairs() -> set[frozenset[str]]:
    text_of = {
        str(claim): text for claim, text in ClaimView.objects.values_list("claim_id", "text")
    }
    return {
        frozenset(text_of[claim] for claim in event.data["claims"])
        for event in Event.objects.filter(type="ContradictionFlagged")
    }


def test_the_seed_article_flags_few_pairs_and_mostly_right_ones():
    # given the seed article ingested, and the consumer caught up
    source_ingest(
        content=ARTICLE.read_bytes(),
        filename=ARTICLE.name,
        metadata=Metadata(actor="user:tester", via="test"),
    )
    assert ClaimView.objects.count() == 86
    # when every claim is checked against its candidates
    services.contradictions_consume()
    # then the canonical pair is flagged, and few others, most of them right
    flagged = flagged_text_pairs()
    labels = {frozenset((pair["a"], pair["b"])): pair["label"] for pair in LABELS["pairs"]}
    right = {pair for pair in flagged if labels.get(pair) == "contradiction"}
    contradictions = {pair for pair, label in labels.items() if label == "contradiction"}
    assert frozenset(CANONICAL) in flagged
    assert len(flagged) <= MAX_FLAGS
    assert len(right) / len(flagged) >= MIN_PRECISION, sorted(map(sorted, flagged - right))
    assert len(right) / len(contradictions) >= MIN_RECALL


def test_the_labels_name_claims_of_the_article():
    # given the labelled pairs, then each side is a sentence of the article as extracted
    from ledger.extraction import claims_extract

    claims = {claim.text for claim in claims_extract(ARTICLE.read_text(encoding="utf-8")).claims}
    assert {side for pair in LABELS["pairs"] for side in (pair["a"], pair["b"])} <= claims
    assert {pair["label"] for pair in LABELS["pairs"]} == {"contradiction", "none"}


UNSEEN = FIXTURES / "dunmore-flood-barrier-report.txt"
UNSEEN_LABELS = json.loads(
    (FIXTURES / "dunmore-flood-barrier-report.pairs.json").read_text(encoding="utf-8")
)


def article_checked(path: Path) -> set[frozenset[str]]:
    """The pairs flagged once the article at ``path`` is ingested and the contradiction
    consumer has caught up."""
    source_ingest(
        content=path.read_bytes(),
        filename=path.name,
        metadata=Metadata(actor="user:tester", via="test"),
    )
    services.contradictions_consume()
    return flagged_text_pairs()


def test_the_dunmore_article_flags_no_pair_but_its_planted_contradictions():
    # given the Dunmore article (two planted contradictions; development data since lexical-6),
    # when it is ingested and checked
    flagged = article_checked(UNSEEN)
    # then every flag is a planted pair: none between unrelated claims
    planted = {frozenset((pair["a"], pair["b"])) for pair in UNSEEN_LABELS["pairs"]}
    assert flagged <= planted, sorted(map(sorted, flagged - planted))
    # and the council's approval and rejection "on Monday" are flagged ("Monday" is not the
    # council: a time word is never a doer); the barrier named by its description is not yet
    approval = next(pair for pair in UNSEEN_LABELS["pairs"] if pair["id"] == "planted-02")
    assert flagged == {frozenset((approval["a"], approval["b"]))}


def test_the_unseen_articles_planted_pairs_are_claims_it_extracts():
    from ledger.extraction import claims_extract

    claims = {claim.text for claim in claims_extract(UNSEEN.read_text(encoding="utf-8")).claims}
    assert {side for pair in UNSEEN_LABELS["pairs"] for side in (pair["a"], pair["b"])} <= claims
    assert [pair["label"] for pair in UNSEEN_LABELS["pairs"]] == ["contradiction"] * 2


WALK_THROUGH = FIXTURES / "harbor-city-water-report.txt"


def test_the_walk_through_articles_closing_note_refutes_none_of_its_claims():
    # given the README walk-through's article, whose last sentence says its names are fictional,
    # when it is ingested and checked
    flagged = article_checked(WALK_THROUGH)
    # then the note is flagged against no claim ("fictional" is said of the names)
    assert not [pair for pair in flagged if any("are fictional" in text for text in pair)]
