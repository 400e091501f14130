"""The ``order_book_imbalance`` elite technique: resting bid against ask size, an analyzer fed by depth."""
