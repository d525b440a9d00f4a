"""Admin registrations for member_questions."""
