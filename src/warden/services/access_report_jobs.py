"""Service last accessed reports by job id, kept in memory on the node that generated them.

A report is computed whole when it is generated (GenerateServiceLastAccessedDetails), so a job is
COMPLETED at once; its rows are kept here, per node, because reports are cheap to regenerate and
AWS itself hands them out only for a while. A JobId generated on one node is unknown to the others
(GetServiceLastAccessedDetails answers NoSuchEntity there, as for any unknown job).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["AccessReportJob", "AccessReportJobs"]


@dataclass(frozen=True, slots=True)
class AccessReportJob:
    job_id: str
    account_id: str
    granularity: str
    created: datetime
    completed: datetime
    services: tuple[dict[str, Any], ...]
    # Per service namespace: the entities that used it, (entity info, last authenticated).
    entities: dict[str, tuple[tuple[dict[str, str], datetime], ...]]


class AccessReportJobs:
    """A bounded, thread-safe table of jobs; the oldest are forgotten first."""

    def __init__(self, capacity: int = 1000) -> None:
        self._capacity = capacity
        self._jobs: OrderedDict[str, AccessReportJob] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, job: AccessReportJob) -> None:
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._capacity:
                self._jobs.popitem(last=False)

    def get(self, account_id: str, job_id: str) -> AccessReportJob | None:
        """The job, only for the account that generated it."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.account_id == account_id else None
