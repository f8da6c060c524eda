"""Fixtures of the fault suite, shared by its files."""

from tests.faults.small_disk import installation, small_disk

__all__ = ["installation", "small_disk"]
