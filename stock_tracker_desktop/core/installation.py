"""The door to what is done to an installation without a session of it (``db status``,
``db upgrade``, ``db restore``, a recovery file), and the checks a command runs before it opens
anything, so that bad input changes nothing. The work is in ``services/installation.py``.
"""

from stock_tracker_desktop.security.keystore import check_new_passphrase
from stock_tracker_desktop.services.installation import (
    DAMAGED,
    DatabaseStatus,
    Installation,
    import_recovery,
    restore_backup,
)
from stock_tracker_desktop.services.tenant_import import legacy_env_draft, read_import
from stock_tracker_desktop.storage.migrations import SchemaStatus
from stock_tracker_desktop.storage.unwritable import describe_unwritable

__all__ = [
    "DAMAGED",
    "DatabaseStatus",
    "Installation",
    "SchemaStatus",
    "check_new_passphrase",
    "describe_unwritable",
    "import_recovery",
    "legacy_env_draft",
    "read_import",
    "restore_backup",
]
