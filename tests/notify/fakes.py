"""A stand-in for an SMS or e-mail provider: it records what it was given and answers as the
test scripted (accept, fail for now, refuse for good, or "die" like a killed worker)."""

import threading

from motcua.notify.adapters import Adapter, PermanentFailure, TemporaryFailure


class WorkerDied(BaseException):
    """Raised from inside send() to play a worker process killed mid-send: like SIGKILL, nothing
    in deliver_due gets to handle it."""


class Outcomes:
    lock = threading.Lock()
    received: list = []  # (uuid, channel, recipient, body) in the order the provider got them
    script: list = []  # what to do with the next messages: "ok", "temporary", "permanent", …
    on_send = None  # a callable run inside send(), to play something happening meanwhile

    @classmethod
    def reset(cls):
        cls.received, cls.script, cls.on_send = [], [], None

    @classmethod
    def then(cls, *outcomes: str):
        cls.script.extend(outcomes)

    @classmethod
    def uuids(cls) -> list[str]:
        return [str(r[0]) for r in cls.received]


class ScriptedAdapter(Adapter):
    def send(self, message) -> str:
        with Outcomes.lock:
            Outcomes.received.append(
                (message.uuid, message.channel, message.recipient, message.body)
            )
            outcome = Outcomes.script.pop(0) if Outcomes.script else "ok"
        if Outcomes.on_send is not None:
            Outcomes.on_send(message)
        if outcome == "temporary":
            raise TemporaryFailure("gateway busy, call 0912345678 support")
        if outcome == "permanent":
            raise PermanentFailure("number 0912345678 is not a subscriber")
        if outcome == "died":
            raise WorkerDied
        if outcome == "bug":
            raise KeyError("adapter bug")
        return f"provider-{message.uuid.hex[:8]}"
