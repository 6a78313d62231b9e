"""The dashboards of the sub-district and its zones: measures, numbers, their cache, the report."""
