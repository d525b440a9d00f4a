"""Signals editorial sends for the apps that build on it."""

from django.dispatch import Signal

#: Sent by ``provision_boards`` with ``units`` (one level of the unit tree,
#: each with no home page yet and a parent unit that has one): the home page
#: type's app may make their home pages in bulk and set ``unit.home_page``.
#: Units left without one get it from ``ensure_home_page``, one at a time.
homes_wanted = Signal()
