from reviews import admin_contradictions  # noqa: F401  (contradiction flags)
