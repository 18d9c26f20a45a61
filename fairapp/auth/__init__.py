"""Accounts and access: users, roles and the wards they act in, sign-in and its throttling, API tokens,
the access decorators every route declares, and the admins' user pages."""
