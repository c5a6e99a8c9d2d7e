"""Verb frames (reviews/contradictions/frames.py): a claim's verbs with their arguments, what
the negation detector aligns a denial on."""

import pytest

from reviews.contradictions.features import ClaimFeatures, features_extract
from reviews.contradictions.frames import Frame


def frames_of(text: str) -> list[Frame]:
    return features_extract(text=text).frames


def test_a_denied_verb_is_read_with_its_doer_object_and_phrases():
    # when a claim denies a verb
    frames = frames_of("The Ostley harbour board has not dredged the marina basin since May.")
    # then the verb is denied, with its doer, what it is done to, and no time as an argument
    assert frames == [
        Frame(
            verb="dredg",
            text="dredged",
            negated=True,
            agent=["ostley", "harbour", "board"],
            patient=["marina", "basin"],
            patient_text="the marina basin",
            phrases=[],
        )
    ]


def test_a_passive_is_read_as_its_active():
    # when the verb is passive, its doer after "by"
    (frame,) = frames_of("The lorry driver was not detained by customs officers over the haul.")
    # then the subject is what it was done to, and the doer is the "by" phrase
    assert (frame.verb, frame.negated) == ("detain", True)
    assert frame.patient == ["lorry", "driver"]
    assert frame.patient_text == "lorry driver"
    assert frame.agent == ["custom", "officer"]
    assert frame.phrases == [["over", "haul"]]


@pytest.mark.parametrize(
    "text",
    [
        "The adopted godmother of the boy spoke.",  # a modifier after an article
        "Crossings to Brannock resumed.",  # a name after "to"
        "The board might not approve the plan.",  # an open possibility, not a denial
    ],
)
def test_modifiers_names_and_possibilities_are_not_denied_verbs(text):
    frames = frames_of(text)
    assert not any(frame.negated for frame in frames)
    assert "adopt" not in [frame.verb for frame in frames]
    assert "brannock" not in [frame.verb for frame in frames]


def test_frames_survive_the_stored_features():
    # given the features of a claim with a denied verb, stored as JSON
    features = features_extract(text="The airline did not cancel its flights from Hollin.")
    # when read back
    restored = ClaimFeatures.from_json(features.to_json())
    # then the frames are the same, and a row stored before frames has none
    assert restored.frames == features.frames
    assert restored.frames[0].phrases == [["from", "hollin"]]
    stored = features.to_json()
    del stored["frames"]
    assert ClaimFeatures.from_json(stored).frames == []
