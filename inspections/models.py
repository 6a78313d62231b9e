"""Enterprises, inspection campaigns, hazards and rectification (a later issue)."""
