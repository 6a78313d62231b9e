"""The security audit trail (issue 17; Cybersecurity Law art. 21, MLPS 2.0): logins, logouts,
refusals, exports, admin changes, changes to users and roles, API token issue and revoke. One
append-only table, written through one function, `governance.audit.services.record` (apps below
the site call it through `casework.audit.record`)."""
