"""Write services of contradiction detection: follow the log, and rescan every claim.

The desk's decisions on flags (confirm, dismiss) are ``reviews.services.contradiction_decide``,
which authorises the decider.

Work is driven from the event log: ``contradictions_consume`` follows ClaimRecorded and
ClaimRevised with a durable cursor, indexes each claim (``indexing``) and checks it against its
candidates (``flagging``); on DataRedacted it re-derives the claim's index rows from the
redacted read model (a claim whose text was erased leaves the index). After a revision or a
redaction, the later claims of the source whose "It" or "The company" now stands for another
name are indexed and checked again (``indexing.later_claims_reread``). No transaction spans a
batch: a claim's index rows commit on their own, its candidates are scored outside any
transaction, and its flags are appended in bounded appends of their own.
``contradictions_rescan`` rebuilds the index from the claim list and checks every claim (a new
detector version).
"""

from __future__ import annotations

from ledger import events as ev
from ledger.consumers import consumer_advance, consumer_follow, follower_metadata
from ledger.models import ClaimView
from ledger.reading import RecordedEvent
from reviews.contradictions.flagging import Flag, contradiction_check_claim, contradiction_flag
from reviews.contradictions.indexing import (
    claims_antecedents,
    contradiction_index_claim,
    contradiction_index_replace,
    contradiction_unindex_claim,
    index_from_claims,
    later_claims_reread,
)
from reviews.contradictions.models import ClaimFeatureRow
from reviews.contradictions.nli import nli_backend
from reviews.contradictions.scoring import pair_score_texts
from reviews.contradictions.sweep import contradictions_sweep_memory

CONSUMER_NAME = "contradictions"  # its follower (ledger.followers.FOLLOWERS) and cursor
CONSUME_BATCH_SIZE = 200


INDEXED = (ev.ClaimRecorded, ev.ClaimRevised)  # the events whose text is indexed


def _handle_redaction(event: ev.DataRedacted) -> None:
    """Re-derive an indexed claim's rows from its read model, which the redaction rebuilt: an
    erased text leaves the index; a redaction of another field re-indexes the current text."""
    claim = ClaimView.objects.filter(claim_id=event.stream_id).only("text", "last_position")
    current = claim.first() if ClaimFeatureRow.objects.filter(pk=event.stream_id).exists() else None
    if current is None:
        return
    if ev.REDACTED in current.text:
        contradiction_unindex_claim(claim_id=event.stream_id)
    else:
        (antecedent,) = claims_antecedents([(event.stream_id, current.text)])
        contradiction_index_claim(
            claim_id=event.stream_id,
            text=current.text,
            position=current.last_position,
            antecedent=antecedent,
        )


def _handle_claim_event(recorded: RecordedEvent, *, antecedent: str) -> None:
    """Index and check one claim, then move the cursor to it; each step commits on its own.

    Idempotent: the index write replaces the claim's rows, and a pair already flagged by this
    detector version is not flagged again, so an event handled again after a crash (between its
    flags' commit and the cursor move, say) repeats nothing (``consumer_follow_batch``).
    """
    event = recorded.event
    metadata = follower_metadata(recorded=recorded, actor="worker:contradictions")
    if isinstance(event, ev.DataRedacted):
        _handle_redaction(event)
        if _later_claims_reindexed(event.stream_id, metadata):
            consumer_advance(consumer=CONSUMER_NAME, position=recorded.position)
        return
    if not isinstance(event, INDEXED):
        return
    contradiction_index_claim(
        claim_id=recorded.stream_id,
        text=event.text,
        position=recorded.position,
        antecedent=antecedent,
    )
    flags = contradiction_check_claim(claim_id=recorded.stream_id, metadata=metadata)
    if isinstance(event, ev.ClaimRevised):
        flags += _later_claims_reindexed(recorded.stream_id, metadata)
    if flags:
        consumer_advance(consumer=CONSUMER_NAME, position=recorded.position)


def _later_claims_reindexed(claim_id: str, metadata: ev.Metadata) -> list[Flag]:
    """Index and check again the claims of the source after ``claim_id`` whose "It" or "The
    company" now stands for another name (``indexing.later_claims_reread``)."""
    flags: list[Flag] = []
    for other, text, position, antecedent in later_claims_reread(claim_id=claim_id):
        contradiction_index_claim(
            claim_id=other, text=text, position=position, antecedent=antecedent
        )
        flags += contradiction_check_claim(claim_id=other, metadata=metadata)
    return flags


def _handle_claim_events(batch: list[RecordedEvent]) -> None:
    # the antecedents of the batch's claims in one read of their sources, not one per claim
    texts = [
        (recorded.stream_id, event.text if isinstance(event, INDEXED) else "")
        for recorded in batch
        for event in (recorded.event,)
    ]
    for recorded, antecedent in zip(batch, claims_antecedents(texts), strict=True):
        _handle_claim_event(recorded, antecedent=antecedent)


def contradictions_consume(*, batch_size: int = CONSUME_BATCH_SIZE, max_batches: int = 0) -> int:
    """Follow the event log from the durable cursor until caught up; return events handled.

    No transaction spans a batch (``consumer_follow_batch``): each claim is indexed, scored and
    flagged in short transactions of its own, the cursor following each claim that flagged
    anything, and a crash mid-batch handles the events after the cursor again without flagging
    anything twice. ``max_batches`` (0: no limit) bounds one
    call, so a task never runs for ever behind a busy ledger.
    """
    return consumer_follow(
        consumer=CONSUMER_NAME,
        handle_batch=_handle_claim_events,
        batch_size=batch_size,
        max_batches=max_batches,
    )


def contradictions_rescan(*, metadata: ev.Metadata) -> dict[str, int]:
    """Re-index every claim and check every claim against its candidates (new detector version).

    Runs in memory over the claim list, then replaces the persisted index; flags already made
    by this detector version are not repeated. Each contradicting pair the sweep reports is
    scored again here, for the flag's score and cues (the same functions of the same features).
    """
    index, rows, postings, texts, features, check_worthy = index_from_claims()
    contradiction_index_replace(index=index, rows=rows, postings=postings)
    # The NLI model, when one is configured, reads the texts; the lexical detectors need not.
    model_texts = texts if nli_backend() is not None else None
    result = contradictions_sweep_memory(index=index, features=features, texts=model_texts)
    flagged = 0
    # Pairs with a check-worthy claim are flagged first (as a check compares them first).
    ordered = sorted(
        result.contradictions,
        key=lambda pair: not (pair[0] in check_worthy or pair[1] in check_worthy),
    )
    for claim_id, other in ordered:
        score = pair_score_texts(
            features[claim_id], features[other], text_a=texts[claim_id], text_b=texts[other]
        )
        if contradiction_flag(claim_a=claim_id, claim_b=other, score=score, metadata=metadata):
            flagged += 1
    return {
        "claims": len(features),
        "pairs_compared": result.pairs_compared,
        "flagged": flagged,
    }
