"""Entity mentions and their canonical names (ledger.entities)."""

from __future__ import annotations

import json

import pytest

from ledger.entities import (
    ALIASES_PATH,
    Entity,
    entities_canonical_names,
    entities_find,
    entity_canonical,
)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("Tehran", "Iran"),
        ("Iranian", "Iran"),
        ("Iranians", "Iran"),
        ("Islamic Republic", "Iran"),
        ("the Islamic Republic's", "Iran"),
        ("Islamic Republic of Iran", "Iran"),
        ("Washington", "United States"),
        ("U.S.", "United States"),
        ("US", "United States"),
        ("America", "United States"),
        ("Americans", "United States"),
        ("Palestinian", "Palestine"),
        ("Palestinians", "Palestine"),
        ("State of Palestine", "Palestine"),
        ("Moscow", "Russia"),
        ("Beijing", "China"),
        ("Chinese", "China"),
        ("British", "United Kingdom"),
        ("Britain", "United Kingdom"),
        ("Iraqis", "Iraq"),
        ("Israeli", "Israel"),
        ("Lebanese", "Lebanon"),
        ("New Delhi", "India"),
        ("Hizbullah", "Hezbollah"),
        ("tehran", "Iran"),
        ("Seyed  Ali Alavi", "Seyed Ali Alavi"),
        ("us", "us"),
    ],
)
def test_entity_canonical_maps_aliases_demonyms_and_capitals(name, canonical):
    # given a name as news text writes it / when it is normalised / then it meets its country
    assert entity_canonical(name) == canonical


def test_entities_find_returns_surface_canonical_kind_and_offsets():
    # given a sentence naming one country three ways
    text = "Tehran's support for Palestinians is unwavering, U.S. officials said."

    # when its entities are found
    found = entities_find(text)

    # then each mention carries its surface form, canonical name, kind and exact span
    assert found == [
        Entity(text="Tehran", canonical="Iran", kind="country", start=0, end=6),
        Entity(text="Palestinians", canonical="Palestine", kind="country", start=21, end=33),
        Entity(text="U.S.", canonical="United States", kind="country", start=49, end=53),
    ]
    assert all(text[entity.start : entity.end] == entity.text for entity in found)


def test_entities_find_prefers_the_longest_alias():
    # given names that contain shorter aliases
    text = "Palestinian Islamic Jihad and Latin American states met in Guinea-Bissau."

    # when entities are found / then the longer names win
    assert [(entity.text, entity.canonical) for entity in entities_find(text)] == [
        ("Palestinian Islamic Jihad", "Palestinian Islamic Jihad"),
        ("Latin American", "Latin America"),
        ("Guinea-Bissau", "Guinea-Bissau"),
    ]


def test_entities_find_keeps_other_names_but_not_sentence_openers():
    # given a sentence with a person, an institution and capitalised function words
    text = "However, Seyed Ali Alavi teaches at SOAS. The Shah fell in 1979."

    # when entities are found
    found = entities_find(text)

    # then the names are kept with kind "name" and "However"/"The" are not names
    assert [(entity.text, entity.kind) for entity in found] == [
        ("Seyed Ali Alavi", "name"),
        ("SOAS", "name"),
        ("Shah", "name"),
    ]


def test_a_title_case_headline_names_only_known_aliases():
    # given a headline whose every longer word is capitalised
    text = "North Dakota Names Landfill After Obama, Tehran Responds"

    # when entities are found / then its casing names nothing: only the alias table's entries
    assert [(entity.text, entity.canonical) for entity in entities_find(text)] == [
        ("Tehran", "Iran")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I met Grant Milliron, Mansfield, Ohio.",  # few capitalised words: names alone
        "North Dakota named a landfill after President Obama.",  # lower-case words: a sentence
    ],
)
def test_a_sentence_keeps_its_names(text):
    # when entities are found in an ordinary sentence / then its capitalised names are kept
    assert any(entity.kind == "name" for entity in entities_find(text))


def test_entities_find_does_not_read_lower_case_words_as_abbreviations():
    # given "us" and "in" in lower case / when entities are found / then none is a country
    assert entities_find("Join us in the comments below.") == []


def test_hyphenated_compounds_name_both_sides():
    # given hyphenated compounds / when entities are found / then each country is found
    names = entities_canonical_names("The US-backed strike shook the Iran-Palestine bond.")

    assert names == ["Iran", "Palestine", "United States"]


def test_alias_table_is_generated_and_unambiguous():
    # given the committed alias table
    table = json.loads(ALIASES_PATH.read_text(encoding="utf-8"))

    # then it names its generator, and a disputed capital maps to no country
    assert table["generated_by"] == "scripts/generate_entity_aliases.py"
    assert "Jerusalem" not in table["aliases"]
    assert table["aliases"]["Tehran"] == {"canonical": "Iran", "kind": "country"}
