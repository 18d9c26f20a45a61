"""Messages to job seekers (SMS, Zalo ZNS): an outbox written in the same transaction as what caused
it, sent by the background worker through the sender chosen in configuration."""
