"""Services (writes) and the rules behind them. Interfaces (pages, API, admin, tasks, commands) call these."""
