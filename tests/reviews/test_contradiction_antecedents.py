"""Antecedents from the source (reviews/contradictions/antecedents.py): a claim opening with
"It", "The company" or "The minister" is aligned on the subject named earlier in its source,
read once when the claim is indexed (never per pair)."""

import pytest

from ledger.events import ClaimRevised, Metadata, StreamType
from ledger.ingestion import source_ingest
from ledger.models import ClaimView, ContradictionView, Event
from ledger.redaction import claim_text_erase
from ledger.store import append
from reviews.contradictions import services
from reviews.contradictions.antecedents import anaphor_at_start, antecedent_from, text_resolved
from reviews.contradictions.indexing import contradiction_index_check
from reviews.contradictions.models import ClaimFeatureRow
from reviews.contradictions.pairs import pair_text_score
from reviews.selectors import flag_claims, flag_explain

EARLIER = ["Kestrel Motors opened its Leeds plant in 2019.", "Minister Ana Ruiz visited the site."]


@pytest.mark.parametrize(
    ("text", "name", "resolved"),
    [
        ("It hired 300 workers.", "Kestrel Motors", "Kestrel Motors hired 300 workers."),
        ("The company's profit fell.", "Kestrel Motors", "Kestrel Motors' profit fell."),
        ("She denied the report.", "Minister Ana Ruiz", "Minister Ana Ruiz denied the report."),
        ("The chief executive resigned.", "Minister Ana Ruiz", "Minister Ana Ruiz resigned."),
        (
            "It is unclear whether the plant will open.",
            "",
            "It is unclear whether the plant will open.",
        ),
        ("The plant opened.", "", "The plant opened."),  # a plant is not a subject named before
    ],
)
def test_opening_words_stand_for_the_nearest_subject_of_their_kind(text, name, resolved):
    assert antecedent_from(EARLIER, text) == name
    assert text_resolved(text, name) == resolved


def test_an_earlier_claim_opening_with_such_words_passes_its_own_antecedent_on():
    earlier = ["Tern Air cancelled 40 flights.", "It blamed the strike."]
    assert anaphor_at_start("It blamed the strike.") == ("It", "thing")
    assert antecedent_from(earlier, "The airline apologised.") == "Tern Air"


def test_a_pair_is_aligned_on_the_antecedent_and_the_cue_keeps_each_claims_role():
    a = "Kestrel Motors hired 300 workers at its Leeds plant."
    b = "The company laid off 300 workers at its Leeds plant."
    # without the source, "the company" is not Kestrel Motors; with it, the predicates oppose
    assert pair_text_score(a=a, b=b).contradiction is False
    for first, second, earlier_first, earlier_second, said in (
        (a, b, (), EARLIER, ("hired", "laid off")),
        (b, a, EARLIER, (), ("laid off", "hired")),
    ):
        result = pair_text_score(
            a=first, b=second, a_earlier=earlier_first, b_earlier=earlier_second
        )
        assert result.contradiction is True
        assert [cue.kind for cue in result.cues] == ["opposite-predicate"]
        assert f"A says “{said[0]}”, B says “{said[1]}”" in result.explanations[0]
    # and another company named before is another subject
    other = ["Harlow Steel opened its Leeds plant in 2019."]
    assert pair_text_score(a=a, b=b, b_earlier=other).contradiction is False


METADATA = Metadata(actor="user:tester", via="test")


def _articles_ingested(company: str, *, hiring: bool) -> None:
    """An article whose second claim's "The company" stands for ``company``, and with
    ``hiring`` another source saying Kestrel Motors hired the workers it laid off."""
    source_ingest(
        content=(
            f"{company} opened its Leeds plant in 2019, the company said in a statement. "
            "The company laid off 300 workers at its Leeds plant on Monday, the union said."
        ).encode(),
        filename=f"{company}.txt",
        metadata=METADATA,
    )
    if hiring:
        source_ingest(
            content=b"Kestrel Motors hired 300 workers at its Leeds plant on Monday, officials "
            b"said.",
            filename="hiring.txt",
            metadata=METADATA,
        )


@pytest.mark.django_db
def test_the_index_reads_the_antecedent_from_the_claims_source_and_flags_the_pair():
    # given an article whose second claim says "The company", and another source naming it
    _articles_ingested("Kestrel Motors", hiring=True)
    laid_off = ClaimView.objects.get(text__startswith="The company laid off")
    hired = ClaimView.objects.get(text__startswith="Kestrel Motors hired")
    # when the follower indexes and checks every claim
    services.contradictions_consume()
    # then the claim is stored read with its antecedent, and the pair is flagged
    row = ClaimFeatureRow.objects.get(pk=laid_off.claim_id)
    assert row.text == laid_off.text
    assert row.features["antecedent"] == ["The company", "Kestrel Motors"]
    flagged = [
        set(event.data["claims"]) for event in Event.objects.filter(type="ContradictionFlagged")
    ]
    assert {str(laid_off.claim_id), str(hired.claim_id)} in flagged
    # and the index rebuilt from the claim list reads the same antecedent
    assert contradiction_index_check() == []
    # and the flag's explanation (the flag page's and the API's) reads it too, by role
    flag = ContradictionView.objects.get()
    explanation = flag_explain(flag=flag, claims=flag_claims(flags=[flag]))
    assert explanation is not None
    assert explanation.score.contradiction is True
    role = "A" if str(flag.claim_a) == str(laid_off.claim_id) else "B"
    assert f"{role}'s antecedent: “The company” is “Kestrel Motors”" in explanation.lines()


@pytest.mark.django_db
def test_a_revised_earlier_claim_is_read_again_by_the_claims_that_named_it():
    # given an article whose second claim says "The company", standing for Harlow Steel, and
    # another source saying Kestrel Motors hired the workers the company laid off
    _articles_ingested("Harlow Steel", hiring=True)
    opening = ClaimView.objects.get(text__startswith="Harlow Steel opened")
    laid_off = ClaimView.objects.get(text__startswith="The company laid off")
    hired = ClaimView.objects.get(text__startswith="Kestrel Motors hired")
    services.contradictions_consume()
    assert not Event.objects.filter(type="ContradictionFlagged").exists()

    # when the first claim is revised to name Kestrel Motors, and the follower catches up
    append(
        stream_id=str(opening.claim_id),
        stream_type=StreamType.CLAIM,
        expected_version=opening.version,
        events=[
            ClaimRevised(
                text="Kestrel Motors opened its Leeds plant in 2019, the company said in a "
                "statement.",
                reason="the source named the wrong company",
            )
        ],
        metadata=METADATA,
    )
    services.contradictions_consume()

    # then the later claim is indexed again with the new antecedent and the pair is flagged
    row = ClaimFeatureRow.objects.get(pk=laid_off.claim_id)
    assert row.features["antecedent"] == ["The company", "Kestrel Motors"]
    flagged = [
        set(event.data["claims"]) for event in Event.objects.filter(type="ContradictionFlagged")
    ]
    assert flagged == [{str(laid_off.claim_id), str(hired.claim_id)}]
    # and the index is the one a rebuild from the claim list gives
    assert contradiction_index_check() == []
    # and following again changes nothing
    services.contradictions_consume()
    assert Event.objects.filter(type="ContradictionFlagged").count() == 1


@pytest.mark.django_db
def test_an_erased_earlier_claim_names_nothing_for_the_claims_after_it():
    # given an article whose second claim's "The company" stands for Kestrel Motors, flagged
    # against another source
    _articles_ingested("Kestrel Motors", hiring=False)
    opening = ClaimView.objects.get(text__startswith="Kestrel Motors opened")
    laid_off = ClaimView.objects.get(text__startswith="The company laid off")
    services.contradictions_consume()
    assert ClaimFeatureRow.objects.get(pk=laid_off.claim_id).features["antecedent"] != []

    # when the first claim's text is erased, and the follower catches up
    claim_text_erase(claim_id=str(opening.claim_id), reason="personal data", metadata=METADATA)
    services.contradictions_consume()

    # then the later claim is read with no antecedent, as a rebuild reads it
    assert ClaimFeatureRow.objects.get(pk=laid_off.claim_id).features["antecedent"] == []
    assert contradiction_index_check() == []
