"""Inference without PyTorch: networks exported to OpenVINO IR, run on OpenVINO's CPU plugin.

Nothing in this package imports torch (a test runs it where ``import torch`` fails): it is what
the clinician runtime uses. Converting torch modules to IR needs torch and lives in
:mod:`semioscope.core.export` (research install only).
"""
