#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd): every message it accepts is written, whole, to
a folder as <nanoseconds>.eml. Usage: server.py PORT FOLDER. Prints "ready" once listening."""
import os
import sys
import threading
import time

from aiosmtpd.controller import Controller


class SaveToFolder:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        path = os.path.join(self.folder, f"{time.time_ns()}.eml")
        with open(path + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".part", path)  # readers never see half a message
        return "250 OK"


port, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(folder, exist_ok=True)
controller = Controller(SaveToFolder(folder), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
threading.Event().wait()
