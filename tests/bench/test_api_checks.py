"""The claim list benchmark's split of a request into DRF's checks (no timing asserted)."""

from django.test import Client
from rest_framework.views import APIView

from bench.api import CHECKS, CLAIM_LIST_PATH, _callers, check_shares, checks_timed


def test_the_checks_are_timed_while_inside_and_restored_after(db):
    # given
    originals = {method: getattr(APIView, method) for method in CHECKS.values()}
    token = _callers()["publisher"]

    # when
    with checks_timed() as spent:
        response = Client().get(CLAIM_LIST_PATH, headers={"Authorization": f"Api-Key {token}"})

    # then each check ran and was timed, and the methods are the product's again
    assert response.status_code == 200
    assert set(spent) == {"authentication", "permissions", "throttling"}
    assert all(seconds > 0 for seconds in spent.values())
    assert {method: getattr(APIView, method) for method in CHECKS.values()} == originals


def test_the_shares_add_up_to_their_total(db):
    # when
    shares = check_shares(Client(), _callers()["staff"], 3)

    # then
    parts = shares["authentication"] + shares["permissions"] + shares["throttling"]
    assert shares["total"] == parts
    assert 0 < shares["total"] < 1
