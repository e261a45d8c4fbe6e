"""Business metrics as CloudWatch embedded metric format (EMF) log lines, via Powertools Metrics."""

from __future__ import annotations

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit


class EmfMetrics:
    def __init__(self, namespace: str, service: str) -> None:
        self._metrics = Metrics(namespace=namespace, service=service)
        self._pending = False

    def count(self, name: str, value: int = 1) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
        self._pending = True

    def seconds(self, name: str, value: float) -> None:
        self._metrics.add_metric(name=name, unit=MetricUnit.Seconds, value=value)
        self._pending = True

    def flush(self) -> None:
        """One EMF line per invocation, written at its end (CloudWatch extracts the metrics from the log)."""
        if self._pending:
            self._metrics.flush_metrics()
            self._pending = False
