"""An SMTP server on loopback (aiosmtpd) at a port the system picks, for tests that need a real mail server."""

import asyncio
import threading

from aiosmtpd.smtp import SMTP


class LoopbackSMTP:
    """Serve ``handler`` (an aiosmtpd handler) on 127.0.0.1 at a free port for the length of a ``with`` block.

    aiosmtpd's own Controller needs a fixed port; binding port 0 here lets tests run side by side.
    """

    def __init__(self, handler):
        self.handler = handler
        self.port = None

    def __enter__(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="loopback-smtp", daemon=True)
        self._thread.start()
        starting = self._loop.create_server(lambda: SMTP(self.handler), host="127.0.0.1", port=0)
        self._server = asyncio.run_coroutine_threadsafe(starting, self._loop).result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc_info):
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _close(self):
        self._server.close()
        await self._server.wait_closed()

    def mailers(self):
        """A MAILERS setting that sends through this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }
