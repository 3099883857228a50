"""The floor's text helpers: dates as articles print them, untrusted text made
safe to show, and wall-clock deadlines. Standard library only (and ``errors``).
"""
