"""One event or one measure in other words (reviews/contradictions/value_words.py), as the
features read them: the date detector's events and leads, the numeric detector's measures,
months given by a part ("the end of May")."""

import pytest

from reviews.contradictions.features import features_extract


@pytest.mark.parametrize(
    ("text", "event", "lead"),
    [
        # the verb's class is the event
        ("The Kell line was inaugurated in 2023.", "open", ["kell", "lin", "open"]),
        ("The trawler sank on 4 February.", "sink", ["trawler", "sink"]),
        ("The trawler capsized on 4 February.", "sink", ["trawler", "sink"]),
        ("The suspect was detained on 22 January.", "arrest", ["suspect", "arrest"]),
        # and a walkout is a strike
        ("The walkout began on 2 October.", "begin", ["strike", "begin"]),
    ],
)
def test_a_dates_event_and_lead_are_read_in_their_classes(text, event, lead):
    (date,) = features_extract(text=text).dates
    assert event in date.events
    assert date.lead == lead


@pytest.mark.parametrize(
    ("text", "measure", "quantity"),
    [
        ("The death toll from the landslide stood at 31.", "person", "at 31"),
        ("The town's population was about 48,000 at the last census.", "person", "about 48,000"),
        ("The bank had a workforce of 8,500 at the end of 2022.", "workforce", "of 8,500"),
        # a noun right after the number is what it counts, whatever came before
        ("The death toll rose as 40 rescuers arrived.", "rescuer", "as 40 rescuers"),
    ],
)
def test_a_count_with_no_noun_of_its_own_counts_what_its_clause_named_before(
    text, measure, quantity
):
    (found,) = features_extract(text=text).quantities
    assert (found.measure, found.text) == (measure, quantity)


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("The lake was 45 percent full at the end of May.", 5),
        ("Work resumed in early March.", 3),
        ("Rates rose at the start of June.", 6),
    ],
)
def test_a_part_of_a_month_is_a_date(text, month):
    assert [(date.year, date.month) for date in features_extract(text=text).dates] == [(0, month)]


def test_a_month_in_passing_is_still_no_date():
    assert features_extract(text="The march of the strikers ended at noon.").dates == []
