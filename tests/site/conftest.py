"""The case fixtures (category tree, make_case, private media folder) for the site-wide tests."""

from tests.incidents.conftest import _case_test_settings, cats, make_case  # noqa: F401
