# Backlog Bot image: runtime dependencies only, pinned by requirements.lock; runs as a non-root
# user. `backlog-bot run` migrates the database on start (processes take turns on PostgreSQL).
# Build: docker build -t backlog-bot .   Run: see compose.yaml and README, "Deploying".
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY bot ./bot
COPY storage ./storage
RUN python -m venv /venv \
 && /venv/bin/pip install --no-cache-dir --disable-pip-version-check -c requirements.lock .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 backlog
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1
USER backlog
WORKDIR /home/backlog
EXPOSE 3000
# 200 when the process answers and its database does, 503 otherwise (python: slim has no curl).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=4).status != 200)"]
CMD ["backlog-bot", "run", "--host", "0.0.0.0", "--port", "3000"]
