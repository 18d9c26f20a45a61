"""The append-only audit log: who did or saw what, when (record, record_read), and the admins' read-only
page of it."""
