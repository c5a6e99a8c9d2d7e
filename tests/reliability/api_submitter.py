"""A separate "web" process submitting claims over the API (see test_worker_faults.py).

Usage: python -m tests.reliability.api_submitter TOKEN TEXT...
Prints a JSON list: the status and claim id of each submission, in order.
"""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    from rest_framework.test import APIClient

    token, texts = sys.argv[1], sys.argv[2:]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {token}")
    outcomes = []
    for text in texts:
        response = client.post("/api/v1/claims/", {"text": text}, format="json")
        outcomes.append({"status": response.status_code, "id": response.json().get("id")})
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main()
