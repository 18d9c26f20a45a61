"""The organisers' pages about a fair's registrations: list, audited detail, exports, badge sheets, the
registration desk and its privacy actions (the rules: fairapp.attendees, fairapp.privacy)."""
