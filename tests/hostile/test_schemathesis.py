"""schemathesis against each service's live /openapi.json, with the admin bearer token.

Stateless, bounded and reproducible: a fixed seed, deterministic generation, at most
MAX_EXAMPLES generated cases per operation and phase, positive and negative data. Two checks,
as the issue asks: no 5xx (`not_a_server_error`), and every response conforms to the schema
the service publishes (`response_schema_conformance`).

The schema only exists once the session's shop is up, and schemathesis' lazy pytest loader
(`schemathesis.pytest.from_fixture`) does not run on pytest 9 (it sets `Function._nodeid`),
so each service's run goes through schemathesis' own engine (what the `st` CLI runs) and the
test fails with one line per distinct failure: operation, check, status, request (curl) and
the start of the response.

The settings the fuzzer changes through the admin APIs are put back after each service
(conftest's autouse `restore_settings`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from shop_devtools.config import SERVICES

SEED = 20_260_101
MAX_EXAMPLES = 20
CHECKS = ("not_a_server_error", "response_schema_conformance")


def schemathesis_config(admin_token: str) -> SchemathesisConfig:
    checks: dict[str, Any] = {"enabled": False}
    checks.update({name: {"enabled": True} for name in CHECKS})
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "suppress-health-check": ["all"],
            "cache": {"enabled": False},  # no .schemathesis/ state: every run is the same
            "headers": {"Authorization": f"Bearer {admin_token}"},
            "request-timeout": 15,
            "workers": 1,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "no-shrink": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
            "checks": checks,
        }
    )


def run_schemathesis(url: str, admin_token: str) -> tuple[int, list[str]]:
    """(operations tested, one line per distinct failure)."""
    schema = schemathesis.openapi.from_url(url, config=schemathesis_config(admin_token))
    found: dict[tuple[str, str, str], str] = {}
    operations: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError):
            key = (event.label, "error", type(event.value).__name__)
            found.setdefault(key, f"{event.label}: ERROR {event.value!r}"[:600])
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            if event.status == Status.FAILURE:
                for line_key, line in _failures(event.recorder):
                    found.setdefault(line_key, line)
    return len(operations), sorted(found.values())


def _failures(recorder: Any) -> list[tuple[tuple[str, str, str], str]]:
    lines = []
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction else None
            status = response.status_code if response is not None else "-"
            body = ""
            if response is not None:
                body = (response.content or b"")[:300].decode("utf-8", "replace")
            case = recorder.cases[case_id].value
            curl = case.as_curl_command(headers={"Authorization": "Bearer <ADMIN_TOKEN>"})
            key = (recorder.label, check.name, f"{status} {failure.title}")
            message = " ".join(str(failure.message).split())[:300]
            lines.append(
                (
                    key,
                    f"{recorder.label}: {check.name} -> {status} | {failure.title}: {message}"
                    f"\n    request: {' '.join(curl.split())[:700]}"
                    f"\n    response: {' '.join(body.split())}",
                )
            )
    return lines


@pytest.mark.parametrize("service", SERVICES)
async def test_openapi_fuzzing_finds_no_5xx_and_no_schema_violation(shop, service):
    url = shop.url(service, "/openapi.json")
    tested, failures = await asyncio.to_thread(run_schemathesis, url, shop.config.admin_token)
    assert tested > 0, f"schemathesis tested no operation of {url}"
    assert not failures, f"{service}: {len(failures)} distinct failure(s)\n" + "\n".join(failures)
