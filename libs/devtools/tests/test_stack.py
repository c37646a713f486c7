"""ShopStack against stand-in services: prepare, start, health, kill, restart, replicas, errors."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import httpx
import pytest

from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.stack import ShopStack, StackError, free_port
from shop_testkit.databases import create_database, remove_database

FAKE = Path(__file__).with_name("fake_service.py")


@pytest.fixture(scope="module")
async def database_url():
    url = await create_database("devtools")
    yield url
    await remove_database(url)


@pytest.fixture
async def make_stack(tmp_path, database_url, monkeypatch):
    fakes = tmp_path / "fakes"
    for service in SERVICES:
        (fakes / f"shop_{service}").mkdir(parents=True)
        (fakes / f"shop_{service}" / "__init__.py").write_text("")
        shutil.copy(FAKE, fakes / f"shop_{service}" / "__main__.py")
    monkeypatch.setenv("PYTHONPATH", str(fakes))
    monkeypatch.setenv("ORDERS_PORT", "1")  # an inherited shop variable must not leak in
    stacks: list[ShopStack] = []

    def make(**extra: str) -> ShopStack:
        config = ShopConfig(
            database_urls=dict.fromkeys(SERVICES, database_url),
            ports={s: free_port() for s in SERVICES},
            media_root=tmp_path / "media",
            rendition_root=tmp_path / "renditions",
            preview_dir=tmp_path / "previews",
            extra=extra,
        )
        stack = ShopStack(config, log_dir=tmp_path / "logs", cwd=tmp_path, start_timeout=10)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        await stack.stop()


async def pids(stack: ShopStack) -> dict[str, int]:
    async with httpx.AsyncClient() as client:
        result = {}
        for name, instance in stack.instances.items():
            response = await client.get(f"http://127.0.0.1:{stack.port_of(instance)}/health")
            result[name] = response.json()["pid"]
        return result


async def test_prepare_migrates_every_service_and_seeds_the_catalog(make_stack, tmp_path):
    stack = make_stack()
    await stack.prepare()
    markers = sorted(p.name for p in (tmp_path / "media").iterdir())
    assert "catalog" in SERVICES
    assert markers == sorted([f"{s}-migrate" for s in SERVICES] + ["catalog-seed"])
    assert (tmp_path / "previews").is_dir()
    assert stack.wait_for_catalog


async def test_after_a_seed_start_waits_for_the_catalog_in_orders(make_stack):
    stack = make_stack(FAKE_EMPTY_CATALOG="1")
    stack.start_timeout = 2
    await stack.prepare()
    with pytest.raises(
        StackError, match=r"never reached orders: GET .*/api/catalog offers no media after 2s"
    ):
        await stack.start()
    assert not any(i.running for i in stack.instances.values())

    seeded = make_stack()
    await seeded.prepare()
    async with seeded:
        assert await seeded.wait_for_read_model() == 1


async def test_prepare_failure_names_the_service_and_quotes_its_log(make_stack):
    stack = make_stack(FAKE_FAIL="payments:migrate")
    with pytest.raises(StackError, match=r"payments migrate failed(.|\n)*boom"):
        await stack.prepare()


async def test_start_kill_resume_restart_stop(make_stack):
    stack = make_stack()
    async with stack:
        assert set(await stack.healthy()) == set(SERVICES)
        assert all((await stack.healthy()).values())
        before = await pids(stack)

        await stack.kill("delivery")
        assert not stack.instances["delivery"].running
        assert (await stack.healthy())["delivery"] is False
        await stack.resume("delivery")
        await stack.restart("orders")
        after = await pids(stack)
        assert after["delivery"] != before["delivery"]
        assert after["orders"] != before["orders"]
        assert after["payments"] == before["payments"]
    assert not any(i.running for i in stack.instances.values())


async def test_replicas(make_stack):
    stack = make_stack()
    stack.replicas["delivery"] = 2
    async with stack:
        await stack.add_replica("delivery")
        assert {"delivery", "delivery-2", "delivery-3"} <= set(stack.instances)
        assert all((await stack.healthy()).values())
        await stack.kill("delivery-2")
        assert stack.instances["delivery"].running
        assert not stack.instances["delivery-2"].running
        third = stack.instances["delivery-3"]
        await stack.remove_replicas("delivery")
        assert not third.running
        assert set(stack.instances) == set(SERVICES), "only the first of each is left"


async def test_a_service_that_dies_is_reported_with_its_log(make_stack):
    stack = make_stack(FAKE_FAIL="notifications:serve")
    with pytest.raises(StackError, match=r"notifications exited \(code 3\)(.|\n)*boom"):
        await stack.start()
    assert not any(i.running for i in stack.instances.values())


async def test_a_service_never_healthy_times_out_with_its_log(make_stack):
    stack = make_stack(FAKE_UNHEALTHY="payments")
    stack.start_timeout = 2
    with pytest.raises(StackError, match=r"payments not healthy after 2s(.|\n)*503"):
        await stack.start()


def test_environment_has_every_contract_variable(make_stack):
    env = make_stack().environment()
    assert env["ORDERS_PORT"] != "1"
    for name in ("AMQP_URL", "MAIL_FROM", "SELLER_EMAIL", "ADMIN_TOKEN", "SECRET_KEY"):
        assert name in env
    for service in SERVICES:
        prefix = service.upper()
        assert env[f"{prefix}_PUBLIC_URL"] == f"http://127.0.0.1:{env[f'{prefix}_PORT']}"
        assert f"{prefix}_DATABASE_URL" in env
    assert os.path.isabs(env["MEDIA_ROOT"])
