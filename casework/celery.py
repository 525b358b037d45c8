"""Celery application. Broker: Redis when REDIS_URL is set, otherwise kombu's filesystem transport (no server)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")

app = Celery("casework")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
