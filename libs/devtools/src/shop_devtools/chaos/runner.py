"""Runs the scenarios one after the other on one private shop and prints the table."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from shop_devtools.chaos.check import Verdict, judge, settle
from shop_devtools.chaos.env import ChaosEnv, log, start_env, stop_env
from shop_devtools.chaos.scenarios import CLUSTER, QUICK, SCENARIOS, Context, Scenario, plant_poison
from shop_devtools.chaos.workload import ACTION_DEADLINE_S, Workload, summary
from shop_devtools.config import SERVICES


@dataclass
class ChaosOptions:
    scenarios: list[str]
    orders: int
    rate: float
    settle_timeout_s: float
    keep: bool = False
    seed: int = 1
    log_dir: Path | None = None

    @classmethod
    def make(
        cls,
        *,
        quick: bool = False,
        scenarios: list[str] | None = None,
        orders: int | None = None,
        rate: float | None = None,
        keep: bool = False,
        seed: int = 1,
        cluster: bool = False,
    ) -> ChaosOptions:
        """`cluster`: only the scenarios on the cluster topology (3 broker nodes, 2 replicas)."""
        default = list(CLUSTER) if cluster else list(QUICK) if quick else list(SCENARIOS)
        names = scenarios or default
        return cls(
            scenarios=names,
            orders=orders or (30 if quick else 200),
            rate=rate or (1.5 if quick else 5.0),
            # > the email sender's 120 s lease: an email claimed by a SIGKILLed notifications
            # comes back only when its lease runs out (settled in ~115 s after service-kill)
            settle_timeout_s=180.0 if quick else 240.0,
            keep=keep,
            seed=seed,
            log_dir=Path("var/chaos") / time.strftime("%Y%m%d-%H%M%S") / "logs",
        )


async def wait_healthy(env: ChaosEnv, timeout: float = 60.0) -> list[str]:
    """Every instance answers /health 200 (broker, database, relay, a consumer on its queue).

    Returns the instances that did not within `timeout` (they are then restarted, and noted:
    an operator would have had to do it)."""
    deadline = time.monotonic() + timeout
    bad: list[str] = []
    while time.monotonic() < deadline:
        health = await env.stack.healthy()
        bad = [name for name, ok in health.items() if not ok]
        if not bad:
            return []
        await asyncio.sleep(1.0)
    for name in bad:
        env.note(f"{name} still unhealthy {timeout:.0f}s after the fault: restarted")
        await env.stack.restart(name)
    return bad


async def run_scenario(env: ChaosEnv, scenario: Scenario, options: ChaosOptions) -> Verdict:
    log(f"== {scenario.name}: {scenario.what}")
    env.notes = []
    if scenario.replicas:
        for service in SERVICES:
            await env.stack.add_replica(service)
        log(f"  replicas: {sorted(env.stack.instances)}")
    workload = Workload(env, options.orders, options.rate, scenario.mix, seed=options.seed)
    await workload.prepare()
    ctx = Context()
    await plant_poison(env, ctx)
    drive_s = options.orders / options.rate
    fault_s = 0.0

    async def fault() -> None:
        nonlocal fault_s
        if scenario.fault is None:
            return
        await asyncio.sleep(min(drive_s * 0.2, 8.0))
        t = time.monotonic()
        await scenario.fault(env, workload, ctx)
        fault_s = time.monotonic() - t

    t0 = time.monotonic()
    await asyncio.gather(workload.drive(), fault())
    await workload.wait_actions(ACTION_DEADLINE_S + 30)
    t_actions = time.monotonic()
    log(f"  placed {len(workload.placed)} in {t_actions - t0:.0f}s ({summary(workload)}); settling")
    settled, settle_s = await settle(
        env, workload.placed, ctx.injected_paid, options.settle_timeout_s
    )
    verdict = await judge(env, scenario.name, workload.placed, ctx.injected_paid, ctx.planted)
    verdict.settled, verdict.settle_s, verdict.fault_s = settled, settle_s, fault_s
    if scenario.after is not None:
        await scenario.after(env, workload, verdict, options.settle_timeout_s)
    if workload.failed_to_place:
        env.note(f"{workload.failed_to_place} orders could not be placed (client gave up)")
    gave_up = sum(1 for o in workload.placed for a in o.actions if a.endswith("gave-up"))
    if gave_up:
        env.note(f"{gave_up} client actions gave up after {ACTION_DEADLINE_S:.0f}s of retries")
    if workload.errors:
        env.note(f"workload errors: {workload.errors[:3]}")
    unhealthy = await wait_healthy(env)
    if unhealthy:
        verdict.stuck.append(f"unhealthy after the scenario: {unhealthy}")
    if scenario.replicas:
        await env.stack.remove_replicas()
    verdict.notes = list(env.notes)
    report(verdict)
    return verdict


def report(v: Verdict) -> None:
    status = "ok" if v.ok and not v.stuck and v.settled else "FAIL" if not v.ok else "WARN"
    log(
        f"  {status} {v.scenario}: placed={v.placed} lost={len(v.lost)} "
        f"duplicated={len(v.duplicated)} unexpected={len(v.unexpected)} stuck={len(v.stuck)} "
        f"planted={v.planted_ok}/{v.planted_ok + len(v.planted_missing)} "
        f"settle={v.settle_s:.0f}s{'' if v.settled else ' (timeout)'}"
    )
    for label, items in (
        ("lost", v.lost),
        ("duplicated", v.duplicated),
        ("unexpected", v.unexpected),
        ("stuck", v.stuck),
        ("planted missing", v.planted_missing),
    ):
        for item in items[:10]:
            log(f"    {label}: {item}")


def table(verdicts: list[Verdict]) -> str:
    head = (
        "| scenario | placed | paid | forced | cancelled | delivered | lost | duplicated "
        "| unexpected | stuck | poison in DLQ | settle (s) |"
    )
    lines = [head, "|" + "---|" * 12]
    for v in verdicts:
        planted = (
            f"{v.planted_ok}/{v.planted_ok + len(v.planted_missing)}"
            if (v.planted_ok or v.planted_missing)
            else "-"
        )
        settle = f"{v.settle_s:.0f}" + ("" if v.settled else " (timeout)")
        lines.append(
            f"| {v.scenario} | {v.placed} | {v.paid} | {v.forced} | {v.cancelled} | "
            f"{v.delivered} | {len(v.lost)} | {len(v.duplicated)} | {len(v.unexpected)} | "
            f"{len(v.stuck)} | {planted} | {settle} |"
        )
    return "\n".join(lines)


async def run_suite(options: ChaosOptions) -> list[Verdict]:
    """Start the private shop, run the scenarios one after the other, tear it all down; then
    the same on the cluster topology for the cluster scenarios (a shop of its own)."""
    verdicts: list[Verdict] = []
    single = [n for n in options.scenarios if not SCENARIOS[n].cluster]
    clustered = [n for n in options.scenarios if SCENARIOS[n].cluster]
    for names, cluster in ((single, False), (clustered, True)):
        if not names:
            continue
        log_dir = options.log_dir / "cluster" if cluster and options.log_dir else options.log_dir
        if cluster:
            log("== the cluster topology: 3 RabbitMQ nodes, 2 replicas of every service")
        env = await start_env(log_dir=log_dir, cluster=cluster)
        try:
            for name in names:
                verdicts.append(await run_scenario(env, SCENARIOS[name], options))
        finally:
            await stop_env(env, keep=options.keep)
    return verdicts


async def run_chaos(options: ChaosOptions) -> int:
    started = time.monotonic()
    verdicts = await run_suite(options)
    print()
    print(table(verdicts))
    notes = [f"- {v.scenario}: {n}" for v in verdicts for n in v.notes]
    if notes:
        print("\nnotes:")
        print("\n".join(notes))
    lost = sum(len(v.lost) for v in verdicts)
    dup = sum(len(v.duplicated) for v in verdicts)
    unexpected = sum(len(v.unexpected) for v in verdicts)
    stuck = sum(len(v.stuck) for v in verdicts)
    print(f"\n(total {time.monotonic() - started:.0f}s; stuck={stuck}; logs: {options.log_dir})")
    print(f"chaos: scenarios={len(verdicts)} lost={lost} duplicated={dup} unexpected={unexpected}")
    failed = lost or dup or unexpected or any(v.planted_missing for v in verdicts)
    return 1 if failed else 0
