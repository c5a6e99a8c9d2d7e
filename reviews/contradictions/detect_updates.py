"""The update type: two claims giving one measure or state different values at explicit times
that differ are a later report of a change, not a conflict (``updates``). Its cue carries no
weight: a pair typed as an update is never flagged, and its explanation names each claim's
times under its role."""

from __future__ import annotations

from reviews.contradictions.detectors import A, B, Cue, Overlap, quoted, times_compatible
from reviews.contradictions.features import ClaimFeatures
from reviews.contradictions.updates import times_named, values_change

UPDATE_KIND = "update"


def detect_update(a: ClaimFeatures, b: ClaimFeatures, overlap: Overlap) -> list[Cue]:
    """The claims speak of one subject at times that cannot meet and give a measure, a
    predicate or a stance that may differ: an update (``scoring.pair_cues`` then keeps this
    cue alone, unless the date detector finds one event given two dates)."""
    if overlap.weight < 2 or times_compatible(a, b) or not values_change(a, b):
        return []
    return [
        Cue(
            kind=UPDATE_KIND,
            strength=0.0,
            template=f"{A} is dated {quoted(set(times_named(a)))}, {B} is dated "
            f"{quoted(set(times_named(b)))}: an update (the later report of a change) or two "
            "periods, not a conflict",
        )
    ]
