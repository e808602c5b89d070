"""``predict`` / ``evaluate`` on a Ray cluster: Ray Data ``map_batches`` over the image
paths with a pool of actors, one :class:`inspectors.engine.Inspector` per actor.

Qt-free and optional: only this package imports ``ray`` (the ``cluster`` extra), and only
inside functions, so the base install imports it without Ray. The driver (the command's
process) stays the run's one writer: the actors only infer and send outcomes back.

- :mod:`.payload`: the model folder's files as bytes, rebuilt in a temporary folder per actor
  (the model path need not exist on the workers).
- :mod:`.worker`: the actor: takes each image's file key, then infers the batch.
- :mod:`.driver`: connects to (or starts) Ray, runs the dataset, streams the outcomes back.
"""
