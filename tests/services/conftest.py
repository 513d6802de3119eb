from tests.stack import stack, worker  # noqa: F401  (fixtures)
