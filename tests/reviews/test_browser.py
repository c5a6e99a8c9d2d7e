"""A reviewer works a seed claim in a real browser: headless Chromium driven by Selenium.

Uses the system browser and driver (Debian packages ``chromium`` and ``chromium-driver``, which
``.ci/run`` installs); nothing is downloaded. Skipped only where they are absent, and never under
CI, which must have them. The claim page's screenshot is saved to ``tests/artifacts/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from ledger import events as ev
from ledger.models import Source
from ledger.services import claim_command, claim_record
from reviews.roles import Role
from reviews.services import role_groups_sync

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
    raw = SEED_ARTICLE.read_bytes()
    text = raw.decode("utf-8")
    source = Source.objects.create(
        id=uuid.uuid4(),
        sha256=hashlib.sha256(raw).hexdigest(),
        content=raw,
        text=text,
        media_type="text/plain",
        title="Is Iran and Palestine allies?",
        captured_at="2026-01-01T00:00:00Z",
    )
    start = text.index(QUOTE)
    metadata = ev.Metadata(actor="system:seed", via="test")
    state = claim_record(
        text=QUOTE,
        metadata=metadata,
        source_id=str(source.id),
        selector={
            "exact": QUOTE,
            "prefix": text[max(0, start - 32) : start],
            "suffix": text[start + len(QUOTE) : start + len(QUOTE) + 32],
            "start": start,
            "end": start + len(QUOTE),
        },
        publisher="seed",
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
