"""The service kernel: what every service is built from, written once.

- `root.ServiceRoot`: the composition root (settings, engine, sessions, messaging runtime,
  background workers, `aclose()`); a service subclasses it and adds its own parts.
- `main.service_main`: `python -m shop_<name> migrate | serve [| extra]`.
- `http.service_app`: the FastAPI app (limits, security headers, error map, /health, docs).
- `deps.context_dependency`: the one way routes get what they need.
- `errors.ErrorMap`: domain errors to HTTP answers, declared once per service.
- `migrations.run_service_migrations`: the body of every `migrations/env.py`.

docs/design.md shows a service built from it.
"""
