"""Booth tests use the partner tests' factories: employers, schools, published fairs, API tokens."""

from tests.partners.conftest import bearer, make_employer, make_school, published_fair  # noqa: F401
