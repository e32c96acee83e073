"""Service last accessed reports by job id, kept in memory on the node that generated them.

A report is computed whole when it is generated (GenerateServiceLastAccessedDetails), so a job is
COMPLETED at once; its rows are kept here, per node, because reports are cheap to regenerate and
AWS itself hands them out only for a while. A JobId generated on one node is unknown to the others
(GetServiceLastAccessedDetails answers NoSuchEntity there, as for any unknown job).

A job belongs to the principal that generated it: AWS documents that the JobId "must be used by
the same role within a session, or by the same user" when reading the report, so to any other
principal, even of the same account, it is unknown.
https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateServiceLastAccessedDetails.html
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
    owner_arn: str  # the user, role session or root user that generated the job
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

    def get(self, account_id: str, owner_arn: str, job_id: str) -> AccessReportJob | None:
        """The job, only for the principal (of the account) that generated it."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.account_id != account_id or job.owner_arn != owner_arn:
            return None
        return job
