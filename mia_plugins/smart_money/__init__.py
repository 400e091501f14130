"""The ``smart_money`` elite technique: large-lot bars and absorption."""
