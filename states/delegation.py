"""The delegationsordning's vocabulary, as data: the matters it delegates and to whom."""

from __future__ import annotations

from states.common import Role

# What a row of the delegationsordning may delegate: decisions on grants to insatser, and
# urgent matters the board cannot wait for (ordförandebeslut, kommunallagen 6 kap. 39 §).
MATTERS = ("grant", "urgent")
# The matters under which a decision on an application may be taken by delegation.
DECISION_MATTERS = ("grant", "urgent")
# Who a row names: the förbundschef, the ordförande, or the arbetsutskott.
DELEGATES = ("director", "chair", "working_committee")
# The roles through which a person acts as a delegate (the arbetsutskott, a committee, has
# no user role: its rows are kept as the association's record).
DELEGATE_ROLES: dict[str, Role] = {"director": Role.OFFICER, "chair": Role.CHAIR}
