"""Pure rules: predicates, queries and arithmetic.

They never import the engine, the operations, Flask or a face.
"""
