"""Offline validators for the numbers on Chinese professional credentials.

One python-stdnum shaped module per number kind (``compact``, ``validate``, ``is_valid``,
``format``); rules and sources are in ``docs/registry-rules.md``. ``validate``
raises a ``verify.registry.exceptions.RegistryError`` for a broken hard rule and returns a
frozen dataclass (``as_dict()`` gives JSON-safe values) whose ``flags`` carry the doubtful
findings the checks layer turns into warnings.

Each kind's module is named after it; ``verify.kinds`` finds it (``Kind.number_rules``) and
holds the words its codes decode to.

>>> from verify.registry import lawyer_practice
>>> lawyer_practice.is_valid('11102200810000003')
True
"""
