"""The spacy-llm task ``eventcoder.Events.v1``, laid out like spacy-llm's own tasks.

``registry`` registers it (and its helpers) with spacy-llm; ``task`` builds prompts from the
template and the plugin registry; ``parser`` finds the events list in an answer; ``resolve``
places it in the doc; ``sharding`` splits long docs; ``examples`` renders few-shot examples.
"""
