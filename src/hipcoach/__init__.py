"""hipcoach: a hip-strength coach for runners that runs on your own machine."""

__version__ = "0.1.0"
