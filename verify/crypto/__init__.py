"""Personal data at rest: envelope encryption (``envelope``) and its binding to the tables (``at_rest``)."""
