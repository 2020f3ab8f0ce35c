"""What every charged differentially private release carries and states, whatever its product."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ChargedRelease:
    """The ledger's view of a release: its id, data set, product, (epsilon, delta) and mechanism.

    Subclasses add what was released and ``parameters`` (every parameter, as recorded on the ledger).
    """

    release_id: str
    dataset: str
    product: str
    epsilon: float
    delta: float
    mechanism: str

    def statement(self) -> dict[str, Any]:
        """What a published release states: id, data set, product, epsilon, delta, mechanism and parameters."""
        return {"release_id": self.release_id, "dataset": self.dataset, "product": self.product,
                "epsilon": self.epsilon, "delta": self.delta, "mechanism": self.mechanism,
                "parameters": getattr(self, "parameters", {})}
