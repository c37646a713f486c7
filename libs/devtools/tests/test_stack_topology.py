"""ShopStack on a broker cluster: each replica given every node, its preferred one first, a
service's two preferring different nodes, every instance on its own port behind the config's
(the load balancer's)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.stack import ShopStack, free_port


def test_replicas_spread_over_the_nodes_on_ports_of_their_own(tmp_path: Path) -> None:
    nodes = [f"amqp://guest:guest@127.0.0.1:{p}/" for p in (5701, 5702, 5703)]
    config = ShopConfig(ports={s: free_port() for s in SERVICES})
    stack = ShopStack(
        config,
        log_dir=tmp_path,
        cwd=tmp_path,
        replicas=dict.fromkeys(SERVICES, 2),
        broker_urls=nodes,
        own_ports=True,
    )
    for service in SERVICES:  # what start() does before spawning
        for index in (1, 2):
            stack._add_instance(service, index)
    assert len(stack.instances) == 10
    preferred = {name: i.env["AMQP_URL"].split(",")[0] for name, i in stack.instances.items()}
    for service in SERVICES:
        first, second = (i for i in stack.instances.values() if i.service == service)
        assert preferred[first.name] != preferred[second.name]
        for instance in (first, second):  # every node, its own first: it can fail over
            listed = instance.env["AMQP_URL"].split(",")
            assert sorted(listed) == sorted(nodes)
            assert listed == [*nodes[nodes.index(listed[0]) :], *nodes[: nodes.index(listed[0])]]
        addresses = stack.replica_addresses(service)
        assert len(addresses) == 2
        assert config.ports[service] not in [port for _, port in addresses]
    per_node = Counter(preferred.values())
    assert sorted(per_node.values()) == [3, 3, 4]
    ports = [stack.port_of(i) for i in stack.instances.values()]
    assert len(set(ports)) == 10
