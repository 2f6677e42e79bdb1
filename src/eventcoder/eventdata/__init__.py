"""Event data for researchers: actors resolved and coded, dates, PLOVER / CAMEO / dyadic CSV.

``eventcoder events`` turns extract output, review answers or gold into event records (see
docs/event_data.md): :mod:`resolve` names the actors, :mod:`coding` codes them from the actor
data registered through ``register_actors``, :mod:`dates` dates the events, and one module per
output format writes them.
"""
