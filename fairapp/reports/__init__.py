"""Outcome reports: the indicators of a period, ward or fair (fairapp.reports.indicators), read by the
outcome dashboard, the official reports (PDF, xlsx), the public results page and the API."""
