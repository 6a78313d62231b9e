"""The street office's writes, one module per subdomain (meetings: governance.services.meetings)."""
