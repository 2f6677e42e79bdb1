"""The rule-backed extractor: spaCy Matcher / DependencyMatcher patterns read from JSON files."""
