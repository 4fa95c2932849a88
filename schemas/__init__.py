"""Marshmallow schemas: the only place request and response shapes live."""

#: A list route's page: ``limit`` items unless it asks for fewer or more, at most ``PAGE_SIZE_MAX`` (part of the
#: published API, so fixed here rather than a setting).
PAGE_SIZE, PAGE_SIZE_MAX = 50, 100
