"""The HTTP server: one ASGI endpoint for every AWS service warden speaks."""
