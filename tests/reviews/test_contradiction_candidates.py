"""Blocking at scale: compound keys and a rarest-first budget, so common entities still block."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ledger.services import claim_record
from reviews.contradictions import candidates, flagging, indexing, services
from reviews.contradictions.candidates import (
    MemoryIndex,
    blocking_keys,
    keys_within_budget,
)
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.models import ClaimFeatureRow

ARMY_20 = "Iran's army killed 20 people."
ARMY_90 = "Iran's army killed 90 people, officials said."
# Claims that name the common country and share nothing else with the two above.
ABOUT_IRAN = [
    "Iran opened a museum.",
    "Iran hosted a chess tournament.",
    "Iran exported saffron.",
    "Iran launched a satellite.",
]
TABLES = [
    "contradictions_claimfeaturerow",
    "contradictions_keycount",
    "contradictions_blockingkey",
]


def test_each_entity_is_compounded_with_what_the_claim_says_of_it():
    keys = blocking_keys(features_extract(text=ARMY_20))
    assert keys == {
        "e:iran": 2,
        "w:army": 1,
        "w:kill": 1,
        "w:person": 1,
        "q:count:person": 1,
        "e:iran&w:army": 2,
        "e:iran&w:kill": 2,
        "e:iran&w:person": 2,
        "e:iran&q:count:person": 2,
        "w:iran": 1,
    }


def test_the_words_of_a_name_are_keys_too_so_a_headline_meets_the_name():
    # given a claim that reads "Judd Nelson" as a name and a title-case headline that cannot
    named = blocking_keys(features_extract(text="Judd Nelson is dead"))
    headline = blocking_keys(
        features_extract(text="Brat Pack Actor Judd Nelson Found Dead In His Condo")
    )
    # then they share the name's words, though only one holds the entity
    assert "e:judd nelson" in named
    assert "e:judd nelson" not in headline
    assert {"w:judd", "w:nelson"} <= named.keys() & headline.keys()


def test_a_claim_without_entities_has_no_compound_keys():
    keys = blocking_keys(features_extract(text="The museum opened a new wing."))
    assert keys == {"w:museum": 1, "w:open": 1, "w:wing": 1}


def test_keys_are_read_rarest_first_within_the_budget(monkeypatch):
    monkeypatch.setattr(candidates, "POSTINGS_BUDGET", 10)
    counts = {"e:iran": 9, "w:kill": 4, "e:iran&w:kill": 2, "w:army": 4, "e:iran&w:army": 1}
    # 1 + 2 + 4 = 7 fit; the next (4) would make 11; the commonest is never read
    assert keys_within_budget(counts) == ["e:iran&w:army", "e:iran&w:kill", "w:army"]
    assert keys_within_budget({"e:iran": 11}) == []


@pytest.mark.django_db
def test_a_common_entity_blocks_through_its_compounds(metadata, monkeypatch):
    # given a ledger where "iran" is held by more claims than a check may read
    monkeypatch.setattr(candidates, "POSTINGS_BUDGET", 5)
    first = claim_record(text=ARMY_20, metadata=metadata).claim_id
    second = claim_record(text=ARMY_90, metadata=metadata).claim_id
    for text in ABOUT_IRAN:
        claim_record(text=text, metadata=metadata)
    services.contradictions_consume()
    # when the first claim's candidates are looked up
    found = indexing.contradiction_candidates(claim_id=first)
    # then the claim about the same army and toll is one (through e:iran&w:army, ...), the
    # claims sharing only the over-full entity are not, and the memory index agrees
    assert found == [second]
    index = MemoryIndex()
    for row in ClaimFeatureRow.objects.all():
        index.add(str(row.pk), blocking_keys(ClaimFeatures.from_json(row.features)))
    assert index.candidates(first) == [second]
    assert [str(other) for other, _ in flagging.contradiction_find(claim_id=first)] == [second]


@pytest.mark.django_db
def test_a_check_reads_its_row_once_and_its_candidates_in_one_query(metadata):
    # given two indexed claims about the same army and toll
    first = claim_record(text=ARMY_20, metadata=metadata).claim_id
    second = claim_record(text=ARMY_90, metadata=metadata).claim_id
    services.contradictions_consume()
    # when the first is checked
    with CaptureQueriesContext(connection) as queries:
        found = flagging.contradiction_find(claim_id=first)
    # then it contradicts the second, in four queries: the claim's row, its keys' counts, the
    # postings summed by claim, the candidates' rows (no second read of the row, and no
    # server-side cursor: at most MAX_CANDIDATES rows, fetched in the query's own round trip)
    assert [str(other) for other, _ in found] == [second]
    read = [
        (query["sql"].split()[0], next(name for name in TABLES if name in query["sql"]))
        for query in queries.captured_queries
    ]
    assert read == [
        ("SELECT", "contradictions_claimfeaturerow"),
        ("SELECT", "contradictions_keycount"),
        ("SELECT", "contradictions_blockingkey"),
        ("SELECT", "contradictions_claimfeaturerow"),
    ]
