"""Login throttling, session limits and API tokens (issue 18)."""
