"""Coverage-guided fuzzing (atheris) of everything that reads untrusted input; see ``fuzz/run.py``."""
