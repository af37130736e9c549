"""The detection engine shared by every surface of aisafe-nb."""

from aisafe_nb.detect.engine import Detector, default_detector, scan_text
from aisafe_nb.detect.finding import Finding, Kind, fingerprint, preview

__all__ = ["Detector", "Finding", "Kind", "default_detector", "fingerprint", "preview", "scan_text"]
