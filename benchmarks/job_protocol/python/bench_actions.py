"""The Python peer of benchmarks/common/echo_action.hpp: the same params (fields, required-ness
and range constraints) and the same result, as a synapse-sdk action.

Run through the job protocol as ``SYNAPSE_ACTION_ENTRYPOINT=bench_actions.EchoAction`` with this
directory as the working directory (the entrypoint puts the working directory on sys.path), and
in-process by benchmarks/dispatch/peer.py.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from synapse_sdk.plugins.action import BaseAction


class EchoParams(BaseModel):
    name: str
    count: int = Field(ge=1, le=1000)
    priority: int = Field(ge=0, le=10)
    scale: float
    tags: list[str] | None = None


class EchoResult(BaseModel):
    name: str
    total: int
    scale: float
    tag_count: int


class EchoAction(BaseAction[EchoParams]):
    action_name = 'echo'
    result_model = EchoResult

    def execute(self) -> EchoResult:
        p = self.params
        return EchoResult(
            name=p.name,
            total=p.count * p.priority,
            scale=p.scale,
            tag_count=len(p.tags) if p.tags is not None else 0,
        )

