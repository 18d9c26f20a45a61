"""Tickets: signed QR payloads, the job seeker's ticket page (with its PDF, optional details, pending
changes and privacy rights), reissue and revocation, the public key and the revocation list."""
