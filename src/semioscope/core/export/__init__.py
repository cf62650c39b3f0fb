"""Converting the torch networks to OpenVINO IR (research install: needs torch and openvino).

The clinician runtime (:mod:`semioscope.core.runtime`) loads what this package writes, without
torch. Every conversion keeps fp32 weights (``compress_to_fp16=False``) and runs with the
converter's telemetry off (:func:`semioscope.core.runtime.ov.import_openvino`).
"""
