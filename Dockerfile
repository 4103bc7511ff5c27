FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
# GNU gettext compiles the translation catalogues (they are built, not committed).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
# The CPU build of PyTorch comes from PyTorch's CPU index; everything else from PyPI.
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu . \
    && python manage.py compilemessages \
    && DJANGO_SETTINGS_MODULE=config.production SECRET_KEY=build ALLOWED_HOSTS=build \
       python manage.py collectstatic --noinput
USER nobody
EXPOSE 8000
