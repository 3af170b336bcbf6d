"""WSGI entry point: what `flask --app app` and gunicorn load."""

from mediaapp import create_app

app = create_app()
