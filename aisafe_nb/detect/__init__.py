"""The detection engine shared by every surface of aisafe-nb."""

from aisafe_nb.detect.engine import Detector, ScanIncomplete, default_detector, scan_text
from aisafe_nb.detect.finding import Finding, Kind, fingerprint, preview

__all__ = [
    "Detector",
    "Finding",
    "Kind",
    "ScanIncomplete",
    "default_detector",
    "fingerprint",
    "preview",
    "scan_text",
]
