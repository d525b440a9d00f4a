"""Admin registrations for quizzes."""
