"""Loading a backbone for inference: which runtime (torch or OpenVINO, converted once and cached)
and the session's cache of a loaded backbone.

Above ``models``, ``runtime`` and ``export`` (a first use converts the torch network with
``core/export``), below ``analysis``, ``training`` and ``cluster``, which load through it.
"""
