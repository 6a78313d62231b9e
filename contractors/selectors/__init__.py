"""Read models of the contractors app: the scorecard and its drill-downs."""
