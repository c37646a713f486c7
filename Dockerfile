# One image for the five services; docker-compose.yml gives each its command.
#   docker build -t photo-license-shop .
#   docker run photo-license-shop python -m shop_orders serve
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    PATH="/app/.venv/bin:$PATH"

RUN pip install --no-cache-dir "uv>=0.5"

WORKDIR /app

# Third-party dependencies first: this layer is reused while only our code changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace

# Our libraries and services. Installed editable (uv's default) on purpose: each service finds
# its alembic.ini and migrations beside its source.
COPY libs ./libs
COPY services ./services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev

RUN useradd --create-home --uid 10001 shop \
    && mkdir -p /app/var/media /app/var/renditions /app/var/cache/catalog-previews \
    && chown -R shop /app/var
USER shop

ENV MEDIA_ROOT=/app/var/media \
    DELIVERY_RENDITION_ROOT=/app/var/renditions \
    CATALOG_PREVIEW_DIR=/app/var/cache/catalog-previews

EXPOSE 8001 8002 8003 8004 8005
CMD ["python", "-m", "shop_orders", "serve"]
