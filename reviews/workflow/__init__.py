"""The review workflow: which role may run which command on a claim in which state.

``commands.COMMANDS`` is the one place that says what may happen: per command, the states it
may run from and by which roles, the arguments it takes and the event it records.
``states.workflow_check`` reads it as a state machine, the event builders that read more than
the arguments are in ``builders`` and the rules they enforce before a claim goes out (four
eyes, open flags) in ``checks``. ``reviews.services`` runs a command (``review_command``), the
admin reads the table to decide which buttons to show, and the role groups' permissions are
derived from it (``reviews.role_groups``). The verdict (how true a claim is, ``verdicts.py``) is
kept apart: setting it never moves the claim, and a claim of any verdict goes through the same
states.

States (``ledger.claims.ClaimStatus``):

    pending ──start_review──▶ in_review ──approve──▶ approved ──sign_off──▶ signed_off
       ▲                        │                       │                      │
       │ revise                 │ request_changes       │ request_changes      │ publish
       │                        ▼                       ▼                      ▼
    changes_requested ◀─────────┴───────────────────────┘                  published
                                                                                │ retract
    reject (editors, from any state before publication) ──▶ rejected            ▼
                                                                            retracted

A claim a reviewer approved needs an editor's sign-off before it is published, and the sign-off
takes a second person (four eyes, ``checks.workflow_check_four_eyes``): whoever approved the
claim or set its verdict may not sign it off, superusers included, unless the claim's
organisation turned the rule off (a ``FourEyesRuleChanged`` event). A claim with an open
contradiction flag is not published unless an editor overrides with a written reason
(``checks.workflow_check_open_flags``).
Published and retracted claims are never edited: a correction is a retraction (with its reason)
and, where the desk wants one, a new claim. Besides its role, an actor must be in scope: a
reviewer acts only on claims assigned to them, a publisher only on its own organisation's claims.
"""
