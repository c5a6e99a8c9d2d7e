"""The editorial roles. Each is a Django group; a user's role decides what they may do."""

import enum


class Role(enum.StrEnum):
    PUBLISHER = "publisher"  # submits sources and claims; sees its organisation's claims
    REVIEWER = "reviewer"  # reviews assigned claims, comments, proposes a verdict
    EDITOR = "editor"  # assigns, approves, publishes, retracts
    AUDITOR = "auditor"  # reads and exports everything, changes nothing
    ADMIN = "admin"  # runs the system
    DATA_PROTECTION = "data_protection"  # reads every claim; erases a claim's text on request


# Who acts on claims under review (reviewers only on what is assigned to them), and who decides
# for the desk.
REVIEWERS = frozenset({Role.REVIEWER, Role.EDITOR, Role.ADMIN})
EDITORS = frozenset({Role.EDITOR, Role.ADMIN})
