"""Proposed changes to app code, applied only inside benchmark processes (never to the app's
files), so that their effect can be measured before the owner adopts them."""
