"""Property-based: random command sequences keep the ledger's invariants."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import events as ev
from ledger.exceptions import ConcurrencyConflict, NotFound
from ledger.models import ClaimView, Event
from ledger.services import claim_command, claim_record, projections_rebuild
from ledger.verification import ledger_verify

UNKNOWN_CLAIM = "00000000-0000-0000-0000-000000000000"

command = st.tuples(
    st.sampled_from(["record", "revise", "assign", "comment", "reject", "unknown"]),
    st.integers(min_value=0, max_value=3),  # which claim
    st.sampled_from([0, 0, 0, -1, 1]),  # offset from the right expected version: stale or ahead
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=30),
)


def run(kind: str, claim_id: str, expected_version: int, text: str, metadata: ev.Metadata) -> None:
    if kind == "revise":
        claim_command(
            claim_id=claim_id,
            expected_version=expected_version,
            event=ev.ClaimRevised(text=f"Revised: {text}", reason=""),
            metadata=metadata,
        )
        return
    event: ev.DomainEvent = {
        "assign": ev.ClaimAssigned(assignee=text),
        "comment": ev.ClaimCommented(body=text),
        "reject": ev.ClaimRejected(reason=text),
        "unknown": ev.ClaimCommented(body=text),
    }[kind]
    claim_command(
        claim_id=claim_id, expected_version=expected_version, event=event, metadata=metadata
    )


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(commands=st.lists(command, min_size=1, max_size=25))
def test_random_commands_keep_versions_gapless_chain_intact_and_projections_rebuildable(
    metadata, commands
):
    with transaction.atomic():
        versions: dict[str, int] = {}  # the model: each claim's expected version
        claims: list[str] = []
        accepted = 0
        for kind, index, offset, text in commands:
            before = Event.objects.count()
            if kind == "record":
                claims.append(claim_record(text=f"Claim {text}", metadata=metadata).claim_id)
                versions[claims[-1]] = 1
                accepted += 1
                continue
            claim_id = (
                UNKNOWN_CLAIM if kind == "unknown" or not claims else claims[index % len(claims)]
            )
            expected = versions.get(claim_id, 1) + offset
            should_accept = claim_id in versions and offset == 0
            try:
                run(kind, claim_id, expected, text, metadata)
            except (ConcurrencyConflict, NotFound):
                assert not should_accept
                assert Event.objects.count() == before
            else:
                assert should_accept
                versions[claim_id] += 1
                accepted += 1

        # every accepted command is in the ledger exactly once; refused ones left nothing
        assert Event.objects.count() == accepted
        for claim_id, version in versions.items():
            stored = list(
                Event.objects.filter(stream_id=claim_id)
                .order_by("version")
                .values_list("version", flat=True)
            )
            assert stored == list(range(1, version + 1))
            assert ClaimView.objects.get(pk=claim_id).version == version
        assert ledger_verify().intact
        assert projections_rebuild(check=True) == []
        transaction.set_rollback(True)
