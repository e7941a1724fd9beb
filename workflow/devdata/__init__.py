"""Demo and scale data, driven through the operations and the engine."""
