"""The verbs that change data, each through the engine; they flush and never commit."""
