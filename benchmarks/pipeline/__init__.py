"""The pipeline benchmark (`benchmarks/bench_pipeline.py`), in small modules.

- `machine`: what the machine is (CPU, RAM, server versions, load).
- `raw`: the limits: raw RabbitMQ (persistent, confirmed, acked) and raw PostgreSQL (commits).
- `http`: a minimal keep-alive HTTP/1.1 client, so the load driver costs little CPU.
- `smtp_sink`: a minimal SMTP server (its own process) that logs each email's arrival time.
- `shop`: the private shop: databases, vhost, SMTP sink, the four services, and probes.
- `driver`: the open-loop load driver (fixed arrival rate, bounded in-flight).
- `census`: statements and transactions per order, from PostgreSQL's statement log.
- `profiling`: py-spy on each service process, summarized by library.
- `report`: percentiles, the table, the last line.
"""
