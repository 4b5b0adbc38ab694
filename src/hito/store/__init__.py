"""The service's storage: SQLAlchemy 2 tables, keyword-only service functions, the audit chain.

Public entry points for the API and the dashboard: `settings.load_settings`, `db.Database`
(engine + sessions), and one module per resource (`countries`, `agencies`, `users`, `tokens`,
`sites`, `reports`, `shelters`, `plans`, `alerts`, `forecasts`, `hxl_export`, `hxl_import`,
`audit`, `logread`), whose functions take a session and keyword arguments and return table rows
or plain dicts.
"""
