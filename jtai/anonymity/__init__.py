"""The anonymity guard and the text helpers it reads with."""
