"""Third-party safety service companies, contracts, service plans and visits (a later issue)."""
