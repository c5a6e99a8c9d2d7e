"""A separate process issuing commands against the test database (see test_contention.py).

Usage: python -m tests.ledger.contention_worker WORKER_ID ROUNDS CLAIM_ID...
Prints one JSON object: how many commands were attempted, accepted and refused.
"""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    django.setup()
    from ledger import events as ev
    from ledger.exceptions import ConcurrencyConflict
    from ledger.services import claim_command, claim_load

    worker, rounds, claim_ids = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    metadata = ev.Metadata(actor=f"worker:{worker}", via="test")
    attempted = accepted = refused = 0
    for round_number in range(rounds):
        for claim_id in claim_ids:
            state = claim_load(claim_id=claim_id)
            attempted += 1
            try:
                claim_command(
                    claim_id=claim_id,
                    expected_version=state.version,
                    event=ev.ClaimCommented(body=f"{worker}/{round_number}"),
                    metadata=metadata,
                )
                accepted += 1
            except ConcurrencyConflict:
                refused += 1
    print(json.dumps({"attempted": attempted, "accepted": accepted, "refused": refused}))


if __name__ == "__main__":
    main()
