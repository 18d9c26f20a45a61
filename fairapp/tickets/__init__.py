"""Tickets: signed QR payloads, the ticket page and PDF, the public key and the revocation list."""
