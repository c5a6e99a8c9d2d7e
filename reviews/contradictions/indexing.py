"""The stored contradiction index: each claim's features and blocking keys, and the candidates
a claim shares keys with (never all pairs).

Written by the follower (``reviews.contradictions.services``) one claim at a time, or replaced
whole by a rescan from the claim list (``index_from_claims``); ``contradiction_index_check``
compares the stored index with the one the claim list derives.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Subquery, Sum

from ledger import events as ev
from ledger.exceptions import NotFound
from ledger.models import ClaimView
from reviews.contradictions.antecedents import anaphor_at_start, antecedent_from
from reviews.contradictions.candidates import (
    MAX_CANDIDATES,
    MemoryIndex,
    blocking_keys,
    keys_within_budget,
    rank_candidates,
)
from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.models import BlockingKey, ClaimFeatureRow, KeyCount
from reviews.contradictions.scoring import PairExplanation, pair_explain
from reviews.contradictions.sweep import features_extract_many

RESCAN_BATCH_SIZE = 2000


def contradiction_index_claim(
    *, claim_id: str, text: str, position: int, antecedent: str
) -> ClaimFeatures:
    """Store a claim's features and (re)index it under its blocking keys (atomic, idempotent).
    A claim opening with "It" or "The company" is read with ``antecedent``, the subject named
    before it in its source (``claims_antecedents``)."""
    features = features_extract(text=text, antecedent=antecedent)
    keys = blocking_keys(features)
    with transaction.atomic():
        _index_write(claim_id=claim_id, text=text, position=position, features=features, keys=keys)
    return features


def _selector_start(selector: object) -> int:
    return int(selector.get("start", 0)) if isinstance(selector, dict) else 0


def claims_antecedents(claims: list[tuple[str, str]]) -> list[str]:
    """For each (claim id, text), the name its opening words stand for, from the earlier claims
    of its source; "" when it opens with no such words or none is named. One query for all of
    them, and none when no claim opens with "It" or "The company"."""
    anaphoric = {claim_id for claim_id, text in claims if anaphor_at_start(text)[0]}
    if not anaphoric:
        return [""] * len(claims)
    sources = ClaimView.objects.filter(claim_id__in=anaphoric).values("source_id")
    rows = ClaimView.objects.filter(source_id__isnull=False, source_id__in=Subquery(sources))
    by_source: dict[str, list[tuple[object, str, object]]] = {}
    starts: dict[str, tuple[str, int]] = {}
    for claim, text, selector, source in rows.values_list(
        "claim_id", "text", "selector", "source_id"
    ):
        by_source.setdefault(str(source), []).append((claim, text, selector))
        starts[str(claim)] = (str(source), _selector_start(selector))
    names = []
    for claim_id, text in claims:
        if claim_id not in anaphoric or claim_id not in starts:
            names.append("")
            continue
        source_id, start = starts[claim_id]
        names.append(antecedent_from(_earlier_texts(by_source[source_id], start), text))
    return names


def later_claims_reread(*, claim_id: str) -> list[tuple[str, str, int, str]]:
    """The claims of ``claim_id``'s source after it that open with "It" or "The company" and
    whose antecedent, read from their source now, differs from the one they were indexed with:
    (claim id, text, last position, antecedent). After a claim is revised or erased, the claims
    that named it are read again (a rescan from the claim list reads them so). Three queries:
    the claim, its source's claims (their antecedents are read from those rows) and the later
    claims' stored features; one for a claim with no source."""
    claim = ClaimView.objects.filter(claim_id=claim_id).values("source_id", "selector").first()
    if claim is None or claim["source_id"] is None:
        return []
    start = _selector_start(claim["selector"])
    rows = list(
        ClaimView.objects.filter(source_id=claim["source_id"]).values_list(
            "claim_id", "text", "selector", "last_position"
        )
    )
    source_claims = [(other, text, selector) for other, text, selector, _ in rows]
    later = [
        (str(other), text, position, _selector_start(selector))
        for other, text, selector, position in rows
        if _selector_start(selector) > start
        and ev.REDACTED not in text
        and anaphor_at_start(text)[0]
    ]
    if not later:
        return []
    stored = {
        str(pk): features
        for pk, features in ClaimFeatureRow.objects.filter(
            pk__in=[other for other, *_ in later]
        ).values_list("pk", "features")
    }
    changed = []
    for other, text, position, own_start in later:
        if other not in stored:
            continue  # not indexed yet: the follower reads it when it gets there
        name = antecedent_from(_earlier_texts(source_claims, own_start), text)
        if stored[other].get("antecedent", [])[1:] != ([name] if name else []):
            changed.append((other, text, position, name))
    return changed


def claims_explain(*, a: ClaimView, b: ClaimView) -> PairExplanation:
    """``scoring.pair_explain`` of two stored claims, each read with its antecedent as the
    index reads it (a query only when a claim opens with "It" or "The company")."""
    antecedent_a, antecedent_b = claims_antecedents(
        [(str(a.claim_id), a.text), (str(b.claim_id), b.text)]
    )
    return pair_explain(a=a.text, b=b.text, antecedent_a=antecedent_a, antecedent_b=antecedent_b)


def _earlier_texts(claims: Iterable[tuple[object, str, object]], start: int) -> list[str]:
    """The texts of a source's claims that start before ``start``, in source order (an erased
    text names nothing)."""
    earlier = [
        (_selector_start(selector), text)
        for _claim, text, selector in claims
        if _selector_start(selector) < start and ev.REDACTED not in text
    ]
    return [text for _start, text in sorted(earlier, key=lambda item: item[0])]


def _index_write(
    *, claim_id: str, text: str, position: int, features: ClaimFeatures, keys: dict[str, int]
) -> None:
    existing = ClaimFeatureRow.objects.filter(pk=claim_id).first()
    old_keys: set[str] = set(existing.keys) if existing is not None else set()
    removed, added = old_keys - keys.keys(), keys.keys() - old_keys
    if removed:
        BlockingKey.objects.filter(claim_id=claim_id, key__in=removed).delete()
        _count(removed, -1)
    if added:
        BlockingKey.objects.bulk_create(
            [BlockingKey(key=key, claim_id=claim_id, weight=keys[key]) for key in sorted(added)],
            ignore_conflicts=True,
        )
        _count(added, +1)
    ClaimFeatureRow.objects.update_or_create(
        pk=claim_id,
        defaults={
            "text": text,
            "features": features.to_json(),
            "keys": sorted(keys),
            "last_position": position,
        },
    )


def _count(keys: Iterable[str], change: int) -> None:
    keys = sorted(keys)
    KeyCount.objects.bulk_create(
        [KeyCount(key=key, claims=0) for key in keys], ignore_conflicts=True
    )
    KeyCount.objects.filter(key__in=keys).update(claims=F("claims") + change)


def contradiction_candidates(*, claim_id: str, limit: int = MAX_CANDIDATES) -> list[str]:
    """Stored claims sharing the most blocking-key weight with ``claim_id`` (never all pairs):
    its keys are read rarest first within ``POSTINGS_BUDGET`` (``keys_within_budget``)."""
    row = ClaimFeatureRow.objects.filter(pk=claim_id).only("keys").first()
    if row is None:
        raise NotFound(f"claim {claim_id} is not indexed yet")
    return candidates_sharing(claim_id=claim_id, keys=row.keys, limit=limit)


def candidates_sharing(*, claim_id: str, keys: list[str], limit: int) -> list[str]:
    """``contradiction_candidates`` of a claim whose row (and so its keys) is already read."""
    usable = keys_within_budget(
        dict(KeyCount.objects.filter(key__in=keys).values_list("key", "claims"))
    )
    shared = (
        BlockingKey.objects.filter(key__in=usable)
        .exclude(claim_id=claim_id)
        .values("claim_id")
        .annotate(total=Sum("weight"))
        .filter(total__gte=2)
        .order_by("-total", "claim_id")[:limit]
        .values_list("claim_id", "total")
    )
    return rank_candidates(((str(other), total) for other, total in shared), limit=limit)


def contradiction_unindex_claim(*, claim_id: str) -> None:
    """Remove a claim from the index: its features, its text and its blocking keys (atomic)."""
    with transaction.atomic():
        row = ClaimFeatureRow.objects.filter(pk=claim_id).first()
        if row is None:
            return
        BlockingKey.objects.filter(claim_id=claim_id).delete()
        _count(row.keys, -1)
        row.delete()


def index_from_claims() -> tuple[
    MemoryIndex,
    list[ClaimFeatureRow],
    list[BlockingKey],
    dict[str, str],
    dict[str, ClaimFeatures],
    set[str],
]:
    """The contradiction index as the claim list derives it, in memory: every claim whose text
    is not redacted, with its features, blocking keys and postings; and the check-worthy ones."""
    texts: dict[str, str] = {}
    positions: dict[str, int] = {}
    check_worthy: set[str] = set()
    by_source: dict[str, list[tuple[object, str, object]]] = {}
    claims = ClaimView.objects.values_list(
        "claim_id", "text", "last_position", "check_worthy", "source_id", "selector"
    )
    for uuid_value, text, position, worthy, source, selector in claims.iterator(
        chunk_size=RESCAN_BATCH_SIZE
    ):
        if source is not None:
            by_source.setdefault(str(source), []).append((uuid_value, text, selector))
        if ev.REDACTED in text:
            continue  # an erased text leaves the index (``reviews.contradictions.services``)
        texts[str(uuid_value)] = text
        positions[str(uuid_value)] = position
        if worthy:
            check_worthy.add(str(uuid_value))
    antecedents = {
        str(claim): named
        for source_claims in by_source.values()
        for claim, text, selector in source_claims
        if str(claim) in texts
        and anaphor_at_start(text)[0]
        and (
            named := antecedent_from(_earlier_texts(source_claims, _selector_start(selector)), text)
        )
    }
    features = features_extract_many(texts=texts, antecedents=antecedents)
    index = MemoryIndex()
    rows: list[ClaimFeatureRow] = []
    postings: list[BlockingKey] = []
    for key, claim_features in features.items():
        keys = blocking_keys(claim_features)
        index.add(key, keys)
        rows.append(
            ClaimFeatureRow(
                claim_id=key,
                text=texts[key],
                features=claim_features.to_json(),
                keys=sorted(keys),
                last_position=positions[key],
            )
        )
        postings.extend(BlockingKey(key=k, claim_id=key, weight=w) for k, w in keys.items())
    return index, rows, postings, texts, features, check_worthy


def contradiction_index_replace(
    *, index: MemoryIndex, rows: list[ClaimFeatureRow], postings: list[BlockingKey]
) -> None:
    """Replace the whole stored index by one built in memory (``index_from_claims``), atomically."""
    with transaction.atomic():
        BlockingKey.objects.all().delete()
        KeyCount.objects.all().delete()
        ClaimFeatureRow.objects.all().delete()
        ClaimFeatureRow.objects.bulk_create(rows, batch_size=RESCAN_BATCH_SIZE)
        BlockingKey.objects.bulk_create(postings, batch_size=RESCAN_BATCH_SIZE * 5)
        KeyCount.objects.bulk_create(
            [KeyCount(key=key, claims=len(ids)) for key, ids in index.postings.items()],
            batch_size=RESCAN_BATCH_SIZE * 5,
        )


def contradiction_index_check() -> list[str]:
    """Rebuild the contradiction index from the claim list in memory and compare it with the
    stored one; return the differences (empty: they agree). Reads only.

    Meaningful once the follower has caught up (``follower_behind``): a claim it has not read
    yet is reported missing. Positions are not compared (the index keeps the position of the
    text it read, the claim list that of the claim's last event).
    """
    index, rows, postings, _texts, _features, _check_worthy = index_from_claims()
    expected = {str(row.claim_id): (row.text, row.features, row.keys) for row in rows}
    stored = {
        str(claim_id): (text, features, keys)
        for claim_id, text, features, keys in ClaimFeatureRow.objects.values_list(
            "claim_id", "text", "features", "keys"
        )
    }
    differences = [
        f"claim {claim_id}: " + ("missing" if claim_id not in stored else "stored, not derived")
        for claim_id in sorted(set(expected) ^ set(stored))
    ]
    differences += [
        f"claim {claim_id}: its stored features or keys differ"
        for claim_id in sorted(set(expected) & set(stored))
        if json.dumps(expected[claim_id], sort_keys=True)
        != json.dumps(stored[claim_id], sort_keys=True)
    ]
    expected_postings = {(item.key, str(item.claim_id), item.weight) for item in postings}
    stored_postings = {
        (key, str(claim_id), weight)
        for key, claim_id, weight in BlockingKey.objects.values_list("key", "claim_id", "weight")
    }
    if expected_postings != stored_postings:
        differences.append(
            f"blocking keys: {len(expected_postings - stored_postings)} missing, "
            f"{len(stored_postings - expected_postings)} not derived"
        )
    expected_counts = {key: len(ids) for key, ids in index.postings.items()}
    stored_counts = dict(KeyCount.objects.exclude(claims=0).values_list("key", "claims"))
    if expected_counts != stored_counts:
        differences.append("key counts differ")
    return differences
