"""An editor confirms a match suggestion on the claim page in a real browser (headless Chromium,
as ``test_browser``: skipped only where the browser is absent, never under CI)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ledger import events as ev
from ledger.models import MatchView
from ledger.services import claim_record
from reviews.matching import services
from reviews.matching.scoring import match_score_texts
from reviews.role_groups import role_groups_sync
from reviews.roles import Role
from tests.reviews.test_browser import (  # noqa: F401 (browser is a fixture)
    EDITOR_PASSWORD,
    WAIT_SECONDS,
    _log_in,
    _screenshot,
    browser,
    pytestmark,
)

SEED = "Tehran's support is unwavering"
REPEAT = "Iran's backing remains steadfast"


@pytest.fixture
def suggested_pair(ledger_transactional_db) -> dict[str, str]:
    """Two outlets' claims suggested as one (by the matching follower, which the embedded mode
    runs at each commit; here too where it would not); the editor ed."""
    role_groups_sync()
    user = get_user_model().objects.create_user(
        username="ed", password=EDITOR_PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=Role.EDITOR))
    metadata = ev.Metadata(actor="system:seed", via="test")
    seed = claim_record(text=SEED, metadata=metadata, publisher="seed").claim_id
    repeat = claim_record(text=REPEAT, metadata=metadata, publisher="wire").claim_id
    services.match_suggest_many(
        pairs=[(repeat, seed, match_score_texts(a=REPEAT, b=SEED))], metadata=metadata
    )
    pair_id = services.match_pair_id(claim_a=seed, claim_b=repeat)
    assert MatchView.objects.get(pk=pair_id).status == "suggested"
    return {"seed": seed, "repeat": repeat, "pair_id": pair_id}


def test_an_editor_confirms_a_suggested_match_on_the_claim_page(
    live_server,
    browser,  # noqa: F811 (the fixture imported above)
    suggested_pair,
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_SECONDS)
    # given the editor on the repeat's claim page, the suggestion listed
    _log_in(driver, live_server, "ed", f"/admin/reviews/reviewclaim/{suggested_pair['repeat']}/")
    wait.until(until.presence_of_element_located((By.ID, "match-suggestions")))
    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-pair-id='{suggested_pair['pair_id']}']")
    assert SEED in row.text
    _screenshot(driver, "claim-page-match-suggestion.png")
    # when they confirm it with a note
    row.find_element(By.NAME, "note").send_keys("The same claim in other words.")
    row.find_element(By.CSS_SELECTOR, "button[value=confirm]").click()
    # then the page lists the group, the seed claim canonical, and the pair is matched
    wait.until(until.presence_of_element_located((By.ID, "match-group")))
    canonical = driver.find_element(By.CSS_SELECTOR, "#match-group .match-canonical")
    assert SEED in canonical.text
    assert "Confirm the match: done." in driver.find_element(By.CSS_SELECTOR, ".messagelist").text
    assert MatchView.objects.get(pk=suggested_pair["pair_id"]).status == "matched"
    _screenshot(driver, "claim-page-match-group.png")
