"""Admin registrations for study."""
