"""Storage: one interface (`store.Store`) on SQLModel, SQLite by default, PostgreSQL for
scale-out. Files are named for what they hold: models.py (the tables), sql.py (the hot path's
statements), tenant_state.py (versions, clock, the writable directory), audit.py (the audit
trail's rows), request_state.py (one state read per request), checkpoint.py and purge.py (what
runs beside the requests).
"""
