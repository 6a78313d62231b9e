"""Per-day rollups of what the dashboards and assessment count (issue 14).

* `registry` — a *source* (cases today; hazards, visits next) says how to read the inputs of its
  objects from the database (`signatures`) and which counts one object adds (`entries`, pure);
* `services` — `refresh(source, ids)` applies an object's change to the counts in the caller's
  transaction (called from the timeline append, see `hooks`), `rebuild()` recounts from scratch;
* `selectors` — `counts()`/`daily()`: the sums per subject or per day for any period.
"""
