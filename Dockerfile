FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; libharfbuzz-subset0 makes its font subsetting ~23% faster;
# CairoSVG (the Word document's charts) needs cairo.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core libcairo2 \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip
COPY . .
# deploy/build.sh collects the static files under the production settings (CI runs it too).
RUN pip install --no-cache-dir . \
 && deploy/build.sh

RUN useradd --create-home --uid 1000 planner && mkdir -p /app/media && chown planner /app/media
USER planner
EXPOSE 8000
# deploy/start.sh release|web|worker|beat: docker-compose.yml runs each; CI runs them too.
CMD ["deploy/start.sh", "web"]
