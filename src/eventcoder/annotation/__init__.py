"""Review -> export: human answers, from Prodigy or the review web app, to gold.

Prodigy itself is optional (it is commercial): everything here works on plain task and answer
dicts, and ``prodigy.recipes`` registers the recipes only when ``import prodigy`` succeeds.

* ``labels``: span and relation labels and the interface blocks, from the plugin registry.
* ``edits``: what annotators edit outside the relations view, folded back into the task.
* ``checks``: what makes an answer invalid (Prodigy's ``validate_answer``).
* ``ordering``: which proposals to show first (uncertain, disagreement, stream).
* ``streams``: lazy task streams from news files or precomputed tasks.
* ``answers``: reading Prodigy ``db-out`` files.
* ``store``: the SQLite answer database (review app, db-in, export, agreement, retrain).
* ``datasets`` / ``importer``: export a dataset of the store; import answers or gold into it.
* ``export``: answers to gold JSONL or a spaCy DocBin.
* ``agreement``: trigger and argument agreement between annotators.
* ``prodigy/``: the ``events.*`` recipes and the dicts they return.
* ``webapp/``: the review app for teams without Prodigy.
"""
