"""Backups: `flask backup DEST` writes the database and the instance folder's keys to one encrypted
archive while the application runs; `flask restore ARCHIVE` puts them into a fresh instance."""
