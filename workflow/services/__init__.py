"""Domain rules. Verbs change rows and flush; the request commits once."""
