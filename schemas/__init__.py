"""Marshmallow schemas: the only place request and response shapes live."""
