"""Pages of the contractors app, by area: firms and contracts, plans and visits, scorecards."""
