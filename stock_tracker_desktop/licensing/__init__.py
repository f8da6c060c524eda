"""Licensing against a Keygen-compatible API (keygen.sh or self-hosted Keygen CE).

Verified answers only: every answer's ed25519 signature, digest and date are checked before it is
read (``signatures``). No Qt and no storage here: callers keep keys, machine files and state.
"""

from stock_tracker_desktop.licensing.answers import (
    LicenceRefused,
    LicensingConfig,
    LicensingError,
    Machine,
    MachineLimitExceeded,
    Unreachable,
    Unverified,
    Validation,
)
from stock_tracker_desktop.licensing.client import LicensingClient
from stock_tracker_desktop.licensing.fingerprint import machine_fingerprint
from stock_tracker_desktop.licensing.machine_file import (
    MachineFile,
    MachineFileProblem,
    read_machine_file,
)

__all__ = [
    "LicenceRefused",
    "LicensingClient",
    "LicensingConfig",
    "LicensingError",
    "Machine",
    "MachineFile",
    "MachineFileProblem",
    "MachineLimitExceeded",
    "Unreachable",
    "Unverified",
    "Validation",
    "machine_fingerprint",
    "read_machine_file",
]
