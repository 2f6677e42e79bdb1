"""spacy-llm tasks of eventcoder."""
