"""What this app registers with the rest of Clientela at start-up: the SLA sweep
("support.sla": breach warnings and notices). Imported by the AppConfig's ready()."""

from __future__ import annotations


def _register_sweep() -> None:
    from clientela.notifications import sweeps
    from clientela.support.sweeps import sla_sweep

    sweeps.register("support.sla")(sla_sweep)


_register_sweep()
