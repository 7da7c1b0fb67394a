"""The CE Atlas web application: server-rendered pages and the JSON API in one process.

Build it with :func:`ceatlas.web.app.create_app`; nothing is created at import time.
"""
