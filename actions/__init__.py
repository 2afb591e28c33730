"""Custom actions: thin Rasa SDK adapters over the domain in bot/.

In production (SIGNPOST_ENV=production) the action server refuses to start without the
secrets privacy depends on, rather than fail on the first message (bot/privacy/startup.py).
"""

from bot.privacy.startup import check_production_secrets

check_production_secrets()
