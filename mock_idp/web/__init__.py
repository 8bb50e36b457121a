"""The ASGI layers in front of the endpoints: the body guard and last-resort error answer
(guard.py), pre-rendered documents (guard.py), the direct route table (direct.py), CORS (cors.py),
the request log (request_log.py, logs.py, endpoint_map.py), the base URLs (base_urls.py), and the
size bound of what we fetch from other servers (outbound.py).
"""
