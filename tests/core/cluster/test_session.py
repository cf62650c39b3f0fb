"""Sizing the Ray work: GPUs used when the cluster has them, CPU otherwise, either forced."""

from __future__ import annotations

import pytest

from semioscope.core.cluster.session import ClusterInfo, choose_device, plan_workers
from semioscope.errors import SemioscopeError

CPU_ONLY = ClusterInfo("local", True, 0.0, {"CPU": 16.0}, node_cpus=8)
WITH_GPUS = ClusterInfo("head:6379", False, 0.0, {"CPU": 32.0, "GPU": 4.0}, node_cpus=16)


def test_auto_picks_gpus_only_when_the_cluster_has_them() -> None:
    assert choose_device("auto", CPU_ONLY) == "cpu"
    assert choose_device("auto", WITH_GPUS) == "gpu"
    assert choose_device("cpu", WITH_GPUS) == "cpu"
    assert choose_device("cuda", WITH_GPUS) == "gpu"
    assert choose_device("cuda:1", WITH_GPUS) == "gpu"
    with pytest.raises(SemioscopeError, match="cuda: the Ray cluster has no GPUs"):
        choose_device("cuda", CPU_ONLY)
    with pytest.raises(SemioscopeError, match="choose auto, cpu or cuda"):
        choose_device("tpu", CPU_ONLY)


def test_workers_and_threads() -> None:
    assert plan_workers(CPU_ONLY, "cpu", None, None) == (8, 2)     # 2 threads a task
    assert plan_workers(CPU_ONLY, "cpu", 4, None) == (4, 4)        # CPUs shared out
    assert plan_workers(CPU_ONLY, "cpu", 1, None) == (1, 8)        # no more than one node
    assert plan_workers(CPU_ONLY, "cpu", None, 1) == (16, 1)
    assert plan_workers(WITH_GPUS, "gpu", None, None) == (4, 2)    # one task per GPU
    with pytest.raises(SemioscopeError, match="largest node"):
        plan_workers(CPU_ONLY, "cpu", None, 9)
    with pytest.raises(SemioscopeError, match="at least 1"):
        plan_workers(CPU_ONLY, "cpu", 0, None)
