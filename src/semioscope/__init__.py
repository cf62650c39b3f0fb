"""semioscope: review infrared EMU seizure videos and score FLE vs TLE (research use only)."""

__version__ = "0.1.0"

DISCLAIMER = "For Research Use Only. Not for use in diagnostic procedures."
UNTRAINED_WARNING = "untrained backbone: not for clinical use"
