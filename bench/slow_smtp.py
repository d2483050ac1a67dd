"""A mail server on loopback that takes its time: it accepts each message only after a delay, like a slow provider."""

import argparse
import asyncio
import signal

from aiosmtpd.controller import Controller


class SlowHandler:
    def __init__(self, delay):
        self.delay = delay
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        await asyncio.sleep(self.delay)
        self.received += 1
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.slow_smtp")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=5.0)
    args = parser.parse_args()
    controller = Controller(SlowHandler(args.delay), hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        signal.pause()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
