"""Open311 GeoReport v2 under /open311/v2/ (http://wiki.open311.org/GeoReport_v2): outside
reporting clients list the services, file public reports with an api_key and follow them.

keys.py       clients, their api_keys (issue, revoke: one function each), authentication, rate limit
submission.py POST requests: a public report into the normal intake, a duplicate linked instead
public.py     the public read: services, requests and their fields, with the privacy rules (PIPL)
formats.py    the spec's JSON and XML (Spark convention), its datetimes and its error lists
views.py      the endpoints, urls.py their routes (with .json/.xml suffixes)
"""
