"""Putting events on an account's default EventBridge bus, as AWS services do.

moto delivers events to targets through a template that leaves out ``account`` and writes
``time`` as a bare number; EventBridge sends both, ``time`` as an ISO string, in the order below
(smguard reads ``detail-type`` before ``detail`` in one pass). `install` gives deliveries AWS's
envelope, delivers nothing through disabled rules, and answers ``TestEventPattern``.
"""

import datetime
import json
import logging
from typing import Any

from moto.events.models import events_backends
from moto.events.utils import EventTemplateParser

AWS_ENVELOPE = (
    '{"version": "0", "id": "<id>", "detail-type": "<detail-type>", "source": "<source>", '
    '"account": "<account>", "time": "<time>", "region": "<region>", "resources": <resources>, '
    '"detail": <detail>}'
)

log = logging.getLogger("smguard_emulator")


def iso_now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_json(value: Any, milliseconds: bool = True) -> str:
    """JSON with datetimes as epoch milliseconds, as SageMaker's state-change events carry them, or
    as epoch seconds, as its API answers do (`milliseconds=False`)."""

    def default(item: Any) -> Any:
        if isinstance(item, datetime.datetime):
            if item.tzinfo is None:
                item = item.replace(tzinfo=datetime.timezone.utc)
            return int(item.timestamp() * 1000) if milliseconds else item.timestamp()
        raise TypeError(f"not JSON serializable: {type(item)}")

    return json.dumps(value, default=default)


def put(account: str, region: str, source: str, detail_type: str, detail: Any, resources: list[str]) -> None:
    """Puts one event on the default bus of ``account`` in ``region``; rules route it."""
    try:
        backend = events_backends[account][region]
        entries = backend.put_events(
            [
                {
                    "Source": source,
                    "DetailType": detail_type,
                    "Detail": to_json(detail),
                    "Resources": resources,
                    # moto's SQS delivery writes a numeric time as ISO, as EventBridge does.
                    "Time": datetime.datetime.now(datetime.timezone.utc).timestamp(),
                }
            ]
        )
        for entry in entries:
            if "ErrorCode" in entry:
                log.warning("event not put: %s", entry)
    except Exception:  # an event that cannot be delivered must not fail the API call
        log.exception("could not put %s event", detail_type)


def install() -> None:
    EventTemplateParser.DEFAULT_EVENT_INPUT_TEMPLATE = AWS_ENVELOPE

    # moto delivers through every rule whatever its state; EventBridge delivers nothing through a
    # DISABLED rule (DisableRule: "the rule will not match any events"). smguard's self-check and
    # the trail guard depend on that, and a benchmark that disables the guard's rules while
    # seeding must not fill their queue.
    from moto.events.models import Rule

    send_to_targets = Rule.send_to_targets

    def send_when_enabled(self: Any, *args: Any, **kwargs: Any) -> None:
        if self.state == "DISABLED":
            return
        send_to_targets(self, *args, **kwargs)

    Rule.send_to_targets = send_when_enabled

    # moto answers TestEventPattern with nothing (its handler is a stub): judge the event with the
    # same matcher its rules use, as EventBridge's API does.
    from moto.events.models import EventPattern
    from moto.events.responses import EventsHandler

    def test_event_pattern(self: Any) -> str:
        try:
            pattern = EventPattern.load(self._get_param("EventPattern"))
            event = json.loads(self._get_param("Event") or "{}")
        except (ValueError, TypeError) as error:
            from moto.events.exceptions import InvalidEventPatternException

            raise InvalidEventPatternException(str(error))
        return json.dumps({"Result": pattern.matches_event(event)})

    EventsHandler.test_event_pattern = test_event_pattern
