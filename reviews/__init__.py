"""Editorial decisions about claims: workflow, assignments, verdicts and contradiction flags."""
