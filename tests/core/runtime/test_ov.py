"""OpenVINO is imported with the converter's telemetry client out of reach."""

from __future__ import annotations

import sys

from semioscope.core.runtime.ov import TELEMETRY_MODULES, import_openvino, telemetry_disabled


def test_converter_telemetry_is_a_no_op_stub() -> None:
    ov = import_openvino()
    assert telemetry_disabled()
    from openvino.tools.ovc import telemetry_stub, telemetry_utils

    assert telemetry_utils.tm is telemetry_stub
    assert isinstance(telemetry_utils.init_ovc_telemetry(), telemetry_stub.Telemetry)
    assert all(sys.modules[name] is None for name in TELEMETRY_MODULES)
    assert ov.Core().available_devices  # the CPU plugin is there
