"""How a film folder names the backend that made it, and what the name tells: simulated or
real, and which provider's world (its job ids mean nothing to another). Apart from folder.py
because these names are a contract with manifests and ledger rows already on disk (the
legacy readings below), read by resume, rerun, the report and the ledger's booking, each
importing them from here."""

from __future__ import annotations

__all__ = ["backend_world", "legacy_remote", "recorded_name", "simulated_name"]


def simulated_name(backend: str) -> bool:
    """Whether a manifest's backend name is an offline double's: "simulator" (OpenAI's
    shape), "<provider>-simulator" (the Veo and Runway fakes, backends.connect), or a name
    ``recorded_name`` marked simulated ("veo-remote-simulator")."""
    return backend == "simulator" or backend.endswith("-simulator")


def recorded_name(backend: object) -> str:
    """The backend's name as a manifest and its ledger rows record it.

    Its own ``name``, made to agree with what its server says about itself
    (``backends.base.is_simulated``: the header every sorafilm fake sends, believed from a
    loopback URL only), never with the URL or the name a caller chose. A fake reached with
    --base-url is named "veo-remote" by connect(), yet its film is simulated: recorded as
    "veo-remote-simulator", so its summary says "(simulated, no real money)". A name that
    says "simulator" on a server that does not say so (a local gateway in front of a real
    API) is recorded with "-real", so real spend is never shown as simulated.
    """
    from ..backends.base import is_simulated

    name = str(getattr(backend, "name", type(backend).__name__))
    simulated = is_simulated(backend)
    if simulated and not simulated_name(name):
        return f"{name}-simulator"
    if simulated_name(name) and not simulated:
        return f"{name}-real"
    return name


def legacy_remote(backend: str) -> str | None:
    """The simulated reading of a manifest's bare --base-url name, or None for any other name.

    Until films recorded whether a --base-url server was a sorafilm fake (recorded_name,
    2026-12-06), a film made with --base-url was recorded under connect()'s bare name
    ("veo-remote", "remote", "runway-remote") even when the server was `sorafilm simulate`,
    and booked in the sandbox ledger. Such a folder, resumed on the simulator, was refused as
    "made on a real API". The name alone cannot tell (a gateway to the real API still records
    it today), so the caller accepts this reading ("veo-remote-simulator") only on evidence:
    the folder's reservations are in the sandbox ledger it resumes with."""
    from ..backends.connect import REMOTE_NAMES

    return f"{backend}-simulator" if backend in REMOTE_NAMES.values() else None


def backend_world(backend_name: str) -> tuple[bool, str]:
    """(simulated, provider) of a backend name as a manifest records it: "simulator" and
    "veo-simulator" are simulated; "veo", "veo-remote", "runway..." name their provider;
    any other name (an OpenAI-compatible server) is OpenAI's shape. A folder is resumed only
    in its own world: another provider knows none of its job ids."""
    simulated = simulated_name(backend_name)
    head = backend_name.split("-", 1)[0]
    return simulated, head if head in ("veo", "runway") else "openai"
