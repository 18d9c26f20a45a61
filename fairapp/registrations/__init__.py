"""Organisers' side of registrations: the list per fair (search, filters, masked citizen IDs),
the audited detail page, exports, and badge sheets for a whole fair rendered in the background."""
