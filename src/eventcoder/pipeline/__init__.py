"""Read -> parse -> task: from news files to Prodigy-format tasks.

* ``inputs``: records from .txt, .jsonl(.gz) and stdin, with FILE:LINE errors.
* ``units``: documents cut into doc, paragraph or sentence units.
* ``nlp``: the spaCy pipeline (``--spacy-model``, defaults).
* ``tasks`` / ``hashing``: events laid out as spans and relations; Prodigy's hashes.
* ``validate``: tasks and gold against ``schemas/`` and the invariants.
* ``docbin``: gold records as spaCy Docs (training data).
"""
