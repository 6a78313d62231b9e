"""Every write of the contractors app, as named verbs."""
