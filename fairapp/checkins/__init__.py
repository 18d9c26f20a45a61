"""Entrance check-in: devices, scans, check-ins, the check-in API and the organiser's device list."""
