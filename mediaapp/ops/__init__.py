"""Endpoints for operators: liveness, readiness and Prometheus metrics (outside /api)."""

from flask import Blueprint

from ..extensions import limiter

bp = Blueprint("ops", __name__)
# Probes come from load balancers and orchestrators every few seconds; never rate-limit them.
limiter.exempt(bp)

from . import views  # noqa: E402,F401  (routes register on bp)
