"""The ``session_optimizer`` elite technique: weights of the Chicago hour and session by recent activity."""
