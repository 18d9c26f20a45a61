"""Fairs: one job-fair session at a venue in one ward, its status, planning a season of them, and the
organisers' pages and API for them."""
