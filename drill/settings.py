"""The production settings with the outbox's clocks compressed, for the drill's short form in CI.

Everything else is thrive.settings as production runs it: the sweeper hands a lost message back
after one minute instead of five, and a refused send is retried after 5 seconds instead of 30, so a
fault's recovery fits in CI's time. `make drill` runs with thrive.settings itself.
"""

from thrive.settings import *  # noqa: F403

NOTIFICATION_STALE_MINUTES = 1
NOTIFICATION_RETRY_BASE_SECONDS = 5.0
