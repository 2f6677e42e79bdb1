"""Human annotation with Prodigy: recipe components, gold export and annotator agreement.

Prodigy itself is optional (it is commercial): everything here works on plain task and answer
dicts, and ``prodigy_recipes`` registers the recipes only when ``import prodigy`` succeeds.

* ``labels``: span and relation labels and the interface blocks, from the plugin registry.
* ``edits``: what annotators edit outside the relations view, folded back into the task.
* ``checks``: what makes an answer invalid (Prodigy's ``validate_answer``).
* ``streams``: lazy task streams from news files or precomputed tasks.
* ``components``: the recipe dicts (``events.manual``, ``events.correct``, ...).
* ``answers``: reading Prodigy ``db-out`` files.
* ``export`` / ``docbin``: answers to gold JSONL or a spaCy DocBin.
* ``agreement``: trigger and argument agreement between annotators.
"""
