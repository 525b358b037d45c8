"""Core of the wage-arrears case-management system: parties, cases, intake, inspection, the legal clock, roles."""
from .celery import app as celery_app

__all__ = ("celery_app",)
