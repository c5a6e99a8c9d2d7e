"""A reviewer works a seed claim in a real browser: headless Chromium driven by Selenium.

Uses the system browser and driver (Debian packages ``chromium`` and ``chromium-driver``, which
``.ci/run`` installs); nothing is downloaded. Skipped only where they are absent, and never under
CI, which must have them. Each page's screenshot is saved to ``tests/artifacts/``; the desk's
tests work contradiction flags as an editor and meet the rules before publication.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ledger import events as ev
from ledger.models import ContradictionView, Source
from ledger.services import claim_command
from reviews.role_groups import role_groups_sync
from reviews.roles import Role
from tests.claims import claim_quoted

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)
# No network on the test machines: keep the browser from reaching out at all.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,2200",
)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
SEED_ARTICLE = Path(__file__).resolve().parents[2] / "fixtures" / "iran-palestine-article.txt"
QUOTE = (
    "Iran's allies, including Hezbollah, the Houthi movement, Hamas, and Palestinian Islamic "
    "Jihad, have been largely silent since Israel launched a series of attacks in response to "
    "recent escalations."
)
PASSWORD = "browser-test-password"
WAIT_SECONDS = 30  # an upper bound for page loads, not a measurement

browser_missing = not (CHROMIUM and CHROMEDRIVER)
if browser_missing and os.environ.get("CI"):
    raise RuntimeError("CI must have chromium and chromium-driver: .ci/run installs them")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(browser_missing, reason="needs chromium and chromium-driver (apt-get)"),
]


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def seed_claim(ledger_transactional_db) -> str:
    """A claim quoted from the seed article, assigned to a reviewer, with a proposed verdict."""
    role_groups_sync()  # a flush by an earlier transactional test removed the migration's groups
    reviewer = get_user_model().objects.create_user(
        username="rita", password=PASSWORD, is_staff=True
    )
    reviewer.groups.add(Group.objects.get(name=Role.REVIEWER))
    metadata = ev.Metadata(actor="system:seed", via="test")
    source = _seed_source()
    state = claim_quoted(
        source_id=str(source.id),
        source_text=source.text,
        quote=QUOTE,
        publisher="seed",
        metadata=metadata,
    )
    for event in [
        ev.ClaimAssigned(assignee="rita"),
        ev.ClaimReviewStarted(),
        ev.ClaimVerdictSet(
            rating=3, rating_name="Half true", explanation="Some allies did respond later."
        ),
    ]:
        state = claim_command(
            claim_id=state.claim_id, expected_version=state.version, event=event, metadata=metadata
        )
    return state.claim_id


def test_reviewer_approves_a_seed_claim_in_the_browser(live_server, browser, seed_claim):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_SECONDS)

    # given a reviewer logged in to the admin
    driver.get(f"{live_server.url}/admin/login/?next=/admin/reviews/reviewclaim/")
    driver.find_element(By.NAME, "username").send_keys("rita")
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()

    # when they open the queue and the claim in it
    wait.until(until.presence_of_element_located((By.ID, "result_list")))
    assert "review queue" in driver.title.lower()
    # the claim's words get the room: its column is the widest of the queue
    widths = {
        cell.get_attribute("class"): cell.size["width"]
        for cell in driver.find_elements(By.CSS_SELECTOR, "#result_list tbody tr:first-child > *")
    }
    assert max(widths, key=widths.__getitem__) == "field-short_text"
    _screenshot(driver, "review-queue.png")
    driver.find_element(By.PARTIAL_LINK_TEXT, "have been largely silent").click()
    wait.until(until.presence_of_element_located((By.ID, "claim-page")))
    assert driver.find_element(By.ID, "claim-quote").text == QUOTE
    assert driver.find_element(By.ID, "claim-status").text.lower() == "in_review"

    # and approve it
    driver.find_element(By.ID, "approve-note").send_keys("Checked against the transcript.")
    driver.find_element(By.ID, "action-approve").click()

    # then the approval is in the timeline, by them
    approved = wait.until(
        until.presence_of_element_located(
            (By.CSS_SELECTOR, "#claim-timeline .timeline-ClaimApproved")
        )
    )
    assert "user:rita" in approved.text
    assert "approved — Checked against the transcript." in approved.text
    assert driver.find_element(By.ID, "claim-status").text.lower() == "approved"
    assert "Approve: done. The claim is approved (version 5)." in driver.page_source
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "claim-page.png"
    assert driver.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 0


# --- The editor's desk: contradiction flags and the rules before publication --------------------

EDITOR_PASSWORD = PASSWORD
SUPPORT = (
    "The unwavering support from Tehran, rooted in ideological convergence and strategic "
    "necessity, is unlikely to diminish."
)


def _seed_source() -> Source:
    """The seed article, stored as a source of the "seed" publisher."""
    raw = SEED_ARTICLE.read_bytes()
    return Source.objects.create(
        id=uuid.uuid4(),
        sha256=hashlib.sha256(raw).hexdigest(),
        content=raw,
        text=raw.decode("utf-8"),
        media_type="text/plain",
        title="Is Iran and Palestine allies?",
        publisher="seed",
        captured_at="2026-01-01T00:00:00Z",
    )


@pytest.fixture
def flagged_seed_pair(ledger_transactional_db) -> dict[str, str]:
    """The seed article's two quotes, flagged as contradicting; editors ed and eve."""
    from reviews.contradictions.detectors import Cue
    from reviews.contradictions.flagging import contradiction_flag, contradiction_pair_id
    from reviews.contradictions.scoring import PairScore
    from reviews.contradictions.services import contradictions_consume

    role_groups_sync()
    for username in ("ed", "eve"):
        user = get_user_model().objects.create_user(
            username=username, password=EDITOR_PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=Role.EDITOR))
    source = _seed_source()
    metadata = ev.Metadata(actor="system:seed", via="test")
    support, silent = (
        claim_quoted(
            source_id=str(source.id),
            source_text=source.text,
            quote=quote,
            publisher="seed",
            metadata=metadata,
        ).claim_id
        for quote in (SUPPORT, QUOTE)
    )
    # The detector flags the seed pair as the claims are committed (the embedded mode's eager
    # worker); where it would not, flag it here, so the test is about the desk, not the detector.
    contradictions_consume()
    pair_id = contradiction_pair_id(claim_a=support, claim_b=silent)
    if not ContradictionView.objects.filter(pk=pair_id).exists():
        contradiction_flag(
            claim_a=support,
            claim_b=silent,
            score=PairScore(
                score=0.82,
                cues=[Cue(kind="stance", strength=0.82, template="opposite stances")],
            ),
            metadata=metadata,
        )
    flag = ContradictionView.objects.get(pk=pair_id)
    assert flag.status == "open"
    return {"support": support, "silent": silent, "pair_id": str(pair_id), "cue": flag.cues[0]}


def _log_in(driver: Any, live_server: Any, username: str, path: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{live_server.url}/admin/login/?next={path}")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(EDITOR_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit]").click()


def _screenshot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path))
    assert path.stat().st_size > 0


def test_an_editor_confirms_a_flag_and_the_claim_page_shows_it(
    live_server, browser, flagged_seed_pair
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_SECONDS)

    # given an editor on the flags list
    _log_in(driver, live_server, "ed", "/admin/reviews/contradictionflag/")
    wait.until(until.presence_of_element_located((By.ID, "result_list")))
    assert driver.title.startswith("Contradiction flags")
    assert flagged_seed_pair["cue"] in driver.find_element(By.ID, "result_list").text
    _screenshot(driver, "flags-list.png")

    # when they open the flag and read both quotes
    driver.find_element(By.CSS_SELECTOR, "#result_list .field-claim_a_words a").click()
    wait.until(until.presence_of_element_located((By.ID, "flag-page")))
    assert {
        driver.find_element(By.ID, "flag-quote-a").text,
        driver.find_element(By.ID, "flag-quote-b").text,
    } == {SUPPORT, QUOTE}
    _screenshot(driver, "flag-page.png")

    # and confirm it with a note
    driver.find_element(By.ID, "flag-decision-note").send_keys("Same week, same allies.")
    driver.find_element(By.ID, "flag-confirm").click()
    wait.until(until.text_to_be_present_in_element((By.ID, "flag-status"), "CONFIRMED"))

    # then the claim page lists the decided flag and its timeline shows it
    driver.find_element(By.ID, "flag-claim-link-a").click()
    wait.until(until.presence_of_element_located((By.ID, "claim-page")))
    assert driver.find_elements(By.CSS_SELECTOR, "#claim-flag-list .claim-flag-confirmed")
    confirmed = driver.find_element(
        By.CSS_SELECTOR, "#claim-timeline .timeline-ContradictionConfirmed"
    )
    assert "user:ed" in confirmed.text
    assert "contradiction flag confirmed — Same week, same allies." in confirmed.text
    _screenshot(driver, "claim-page-flags.png")


def test_publishing_over_an_open_flag_and_signing_off_ones_own_approval_are_refused(
    live_server, browser, flagged_seed_pair
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    wait = WebDriverWait(driver, WAIT_SECONDS)
    metadata = ev.Metadata(actor="user:eve", via="test")
    own = ev.Metadata(actor="user:ed", via="test")
    # given the support claim signed off by eve (ed approved it) and the silent one approved by ed
    for claim_id, events in [
        (
            flagged_seed_pair["support"],
            [
                (ev.ClaimReviewStarted(), own),
                (ev.ClaimVerdictSet(rating=2, rating_name="Mostly false", explanation="no"), own),
                (ev.ClaimApproved(), own),
                (ev.ClaimSignedOff(), metadata),
            ],
        ),
        (
            flagged_seed_pair["silent"],
            [
                (ev.ClaimReviewStarted(), own),
                (ev.ClaimVerdictSet(rating=4, rating_name="Mostly true", explanation="yes"), own),
                (ev.ClaimApproved(), own),
            ],
        ),
    ]:
        for version, (event, by) in enumerate(events, start=1):
            claim_command(claim_id=claim_id, expected_version=version, event=event, metadata=by)

    # when ed tries to publish the flagged claim
    _log_in(
        driver,
        live_server,
        "ed",
        f"/admin/reviews/reviewclaim/{flagged_seed_pair['support']}/change/",
    )
    wait.until(until.presence_of_element_located((By.ID, "claim-page")))
    assert driver.find_element(By.ID, "publish-open-flags").is_displayed()
    driver.find_element(By.ID, "action-publish").click()

    # then it is refused, naming the flag, and stays signed off
    wait.until(until.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .error")))
    refusal = driver.find_element(By.CSS_SELECTOR, ".messagelist .error").text
    assert refusal.startswith("Publish refused, nothing was changed: this claim has 1 open")
    assert flagged_seed_pair["pair_id"] in refusal
    assert driver.find_element(By.ID, "claim-status").text.lower() == "signed_off"
    _screenshot(driver, "publish-refused.png")

    # when ed tries to sign off the claim they approved
    driver.get(f"{live_server.url}/admin/reviews/reviewclaim/{flagged_seed_pair['silent']}/change/")
    wait.until(until.presence_of_element_located((By.ID, "sign-off-rule")))
    driver.find_element(By.ID, "action-sign_off").click()

    # then it is refused, saying who may
    wait.until(until.presence_of_element_located((By.CSS_SELECTOR, ".messagelist .error")))
    assert driver.find_element(By.CSS_SELECTOR, ".messagelist .error").text == (
        "Sign off refused, nothing was changed: ed may not sign off this claim: they approved "
        "it and set its verdict, and a sign-off needs a second person. An editor other than ed "
        "may sign it off."
    )
    assert driver.find_element(By.ID, "claim-status").text.lower() == "approved"
    _screenshot(driver, "sign-off-refused.png")
