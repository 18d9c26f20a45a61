"""Outreach to priority households: coverage, the call list, invitations, the labour-information export."""
