"""The engine is tested on its first client's model: borrow the case fixtures."""

from tests.incidents.conftest import cats, make_case  # noqa: F401
