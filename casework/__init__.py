"""The machinery every kind of case shares, knowing none of them.

Cases (incidents), and later hazards, joint interviews and assessment appeals, are clients of
this package: a transition table applied by one engine, stage clocks on the working-time
calendar, the warning → yellow → red escalation ladder swept by beat, an append-only timeline
base, photos, numbering, refusal errors and their HTTP mapping, input parsers, formula-safe
spreadsheet cells and a read-only admin. It imports nothing of ours (an import-linter contract
in `.importlinter`, run by tests/test_architecture.py, fails on a wrong-way import); a client
hands it what it needs (its model, table, handlers, guard, limit source, recipients).
"""
