"""Local stand-ins for the partners, for development, tests, the fault script and the benchmarks.

- ``sandboxes.buzzin``: Buzz-In (gates, QR passes), sends signed webhooks back; ``python -m sandboxes.buzzin``.
- ``sandboxes.opscom``: OPS-COM (parking); ``python -m sandboxes.opscom``.
- ``sandboxes.catalogue`` / ``python -m sandboxes.buzzin_config``: the portal's communities in the Buzz-In
  sandbox's configuration shape (these two need Django; the sandboxes do not).

They live beside ``faults/`` and ``bench/``, outside the production package: a wheel or ``pip install .``
carries none of them (``tests/test_packaging.py``). They may import the partners' vocabulary from
``portal.integrations``; nothing in ``portal/`` imports them.
"""
